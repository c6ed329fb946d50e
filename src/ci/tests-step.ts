/**
 * Step 2 of `sluice ci`, the unit tests: the stages marked as tests (`uses: tests`, or `tests:` on
 * a command stage) run as pipeline targets, and their JUnit XML reports, when they write one, give
 * the counts and the failed cases. A failing test command blocks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StageOutcome } from '../pipeline/index.js';
import type { CiFailedTest, CiTests } from './ci-result.js';
import type { CiContext } from './ci-context.js';
import { readJUnitReport, type JUnitCounts } from './junit-report.js';
import { plural, type StepOutcome } from './step-result.js';

export interface TestsStepValue {
  readonly tests: CiTests;
  readonly outcomes: readonly StageOutcome[];
}

export async function testsStep(context: CiContext): Promise<StepOutcome<TestsStepValue>> {
  const stages = context.pipeline.stages.filter((stage) => stage.tests !== undefined);
  if (stages.length === 0) return { status: 'skipped', summary: 'no tests stage (`uses: tests`, or `tests: true` on a stage)' };
  const report = await context.run(stages.map((stage) => stage.name), 'sluice ci (tests)');
  const byName = new Map(report.outcomes.map((outcome) => [outcome.stage, outcome]));
  const broken = stages.map((stage) => byName.get(stage.name)).filter((outcome): outcome is StageOutcome => outcome !== undefined && outcome.status !== 'ran' && outcome.status !== 'unchanged' && !outcome.status.startsWith('restored'));
  let counts: JUnitCounts | undefined;
  const failed: CiFailedTest[] = [];
  const unreadable: string[] = [];
  for (const stage of stages) {
    const junit = stage.tests?.junit;
    if (!junit || !existsSync(join(context.root, junit))) continue;
    let read;
    try {
      read = await readJUnitReport(join(context.root, junit), stage.name);
    } catch (error) {
      // A runner that crashed often leaves half a report: its failure is the verdict, the report a note.
      if (!broken.some((outcome) => outcome.stage === stage.name)) throw error;
      unreadable.push(`${junit} could not be read (${error instanceof Error ? error.message.split('\n')[0]!.replace(/\.$/, '') : String(error)})`);
      continue;
    }
    counts = sum(counts, read.counts);
    failed.push(...read.failed);
  }
  const exitCode = broken.find((outcome) => outcome.exitCode !== undefined)?.exitCode ?? (broken.length > 0 ? 1 : 0);
  const tests: CiTests = { stages: stages.map((stage) => stage.name), exitCode, counts, failed, tail: broken.flatMap((outcome) => outcome.tail ?? []).slice(-20) };
  const value = { tests, outcomes: report.outcomes };
  const countsText = counts ? `${plural(counts.tests, 'test')}, ${counts.failures} failed, ${counts.errors} errors, ${counts.skipped} skipped` : `${plural(stages.length, 'tests stage')}`;
  if (broken.length > 0 || (counts && counts.failures + counts.errors > 0)) {
    const which = broken.map((outcome) => `${outcome.stage} (${outcome.message ?? outcome.status})`).join(', ');
    return { status: 'failed', summary: `${countsText}${which ? `: ${which}` : ''}${unreadable.length > 0 ? `; ${unreadable.join('; ')}` : ''}`, value };
  }
  return { status: 'passed', summary: `${countsText}: all passed`, value };
}

function sum(total: JUnitCounts | undefined, more: JUnitCounts): JUnitCounts {
  if (!total) return more;
  return { tests: total.tests + more.tests, failures: total.failures + more.failures, errors: total.errors + more.errors, skipped: total.skipped + more.skipped };
}
