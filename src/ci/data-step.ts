/**
 * Step 1 of `sluice ci`, the data: every tracked data pointer has its data (pulled from the
 * default remote when missing), the `uses: validate` stages pass (run as pipeline targets, so a
 * verdict already reached is not repeated, then read from each stage's details JSON), and the
 * training data is compared with the production model's (training-drift.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { validateFile, type ValidationResult } from '../data/index.js';
import { checkoutData, dataStatus, listRemotes, openDataWorkspace, openRemote, pullData, type DataStatus, type DataWorkspace } from '../data-versioning/index.js';
import type { Stage, StageOutcome } from '../pipeline/index.js';
import type { CiData, CiDataPointer } from './ci-result.js';
import { stagesUsing, type CiContext } from './ci-context.js';
import { plural, type StepOutcome } from './step-result.js';
import { trainingDrift } from './training-drift.js';

/** What the data step found, and the stage outcomes of its validation run (for the stage table). */
export interface DataStepValue {
  readonly data: CiData;
  readonly outcomes: readonly StageOutcome[];
}

export async function dataStep(context: CiContext): Promise<StepOutcome<DataStepValue>> {
  const { pointers, remote } = await ensurePointers(context);
  const missing = pointers.filter((pointer) => pointer.state === 'missing');
  const validating = stagesUsing(context.pipeline, 'validate');
  if (missing.length > 0) {
    const data: CiData = { pointers, remote, validations: [], driftNote: 'Not compared: tracked data is missing.' };
    const where = remote ? `nor on the remote ${remote}` : 'and no default remote is configured (`sluice remote add NAME URL --default`)';
    return { status: 'failed', summary: `${plural(missing.length, 'tracked data path')} missing (${missing.map((pointer) => pointer.path).join(', ')}): not in the cache ${where}`, value: { data, outcomes: [] } };
  }
  const report = validating.length > 0 ? await context.run(validating.map((stage) => stage.name), 'sluice ci (data)') : undefined;
  const outcomes = report?.outcomes ?? [];
  const validations = await Promise.all(validating.map(async (stage) => ({ ...(await validationOf(context.root, stage)), stage: stage.name })));
  const drift = await trainingDrift(context);
  const data: CiData = { pointers, remote, validations, drift: drift.drift, driftNote: drift.note };
  const failedStages = outcomes.filter((outcome) => outcome.status === 'failed' || outcome.status === 'interrupted');
  const failed = validations.filter((validation) => !validation.passed);
  const pulled = pointers.filter((pointer) => pointer.state === 'pulled').length;
  const present = `${pointers.length} of ${plural(pointers.length, 'pointer')} present${pulled > 0 ? `, ${pulled} pulled` : ''}`;
  if (failed.length > 0 || failedStages.length > 0) {
    const violations = failed.reduce((sum, validation) => sum + validation.violations.length, 0);
    const what = failed.length > 0 ? `${plural(violations, 'violation')} in ${failed.map((validation) => validation.file).join(', ')}` : `stage ${failedStages.map((outcome) => outcome.stage).join(', ')} failed: ${failedStages[0]!.message ?? 'see its log'}`;
    return { status: 'failed', summary: `${present}; validation failed: ${what}`, value: { data, outcomes } };
  }
  const checked = validations.length > 0 ? `; ${plural(validations.length, 'data set')} valid (${validations.reduce((sum, validation) => sum + validation.checks, 0)} checks)` : '; no validate stage';
  const drifted = drift.drift ? `; drift against production: ${drift.drift.result.drifted_columns} of ${drift.drift.result.number_of_columns} columns` : '';
  return { status: 'passed', summary: `${present}${checked}${drifted}`, value: { data, outcomes } };
}

/** The state of every pointer, after pulling what is missing (checked out from the cache first). */
async function ensurePointers(context: CiContext): Promise<{ pointers: CiDataPointer[]; remote: string | undefined }> {
  const data = await openDataWorkspace(context.services.workspace, { store: context.services.store });
  try {
    const before = await dataStatus(data);
    // A working copy holding another cached version (a pointer moved) is replaced as safely as a missing one is restored.
    const absent = before.filter((status) => status.state === 'missing' || status.state === 'not-checked-out' || (status.state === 'not-in-cache' && !existsSync(join(context.root, status.target))));
    if (absent.length === 0) return { pointers: before.map((status) => pointerOf(status, new Set())), remote: undefined };
    const remote = listRemotes(context.services.workspace).find((candidate) => candidate.isDefault)?.name;
    await fetchMissing(data, context, absent, remote);
    const after = await dataStatus(data);
    const fetched = new Set(absent.map((status) => status.target));
    return { pointers: after.map((status) => pointerOf(status, fetched)), remote };
  } finally {
    await data.close();
  }
}

async function fetchMissing(data: DataWorkspace, context: CiContext, absent: readonly DataStatus[], remote: string | undefined): Promise<void> {
  const targets = absent.map((status) => status.target);
  if (remote === undefined) {
    // No remote: what the local cache holds is still checked out.
    const cached = absent.filter((status) => status.inCache).map((status) => status.target);
    if (cached.length > 0) await checkoutData(data, cached);
    return;
  }
  const { storage } = await openRemote(context.services.workspace, remote);
  try {
    await pullData(data, storage, targets);
  } finally {
    (storage as { destroy?: () => void }).destroy?.();
  }
}

function pointerOf(status: DataStatus, fetched: ReadonlySet<string>): CiDataPointer {
  // Another version than the pointer's is, for the data the pipeline reads, as good as an edit.
  const state = status.state === 'missing' ? 'missing' : status.state === 'modified' || status.state === 'not-checked-out' ? 'modified' : fetched.has(status.target) ? 'pulled' : 'present';
  return { path: status.target, state };
}

/** The fields of a validation's details JSON that `sluice ci` relies on. */
const validationSchema = z.looseObject({ file: z.string(), schema: z.string(), rows: z.number(), passed: z.boolean(), checks: z.number(), violations: z.array(z.looseObject({ rule: z.string() })) });

/**
 * A validate stage's verdict: its details JSON when it declares one (written by this run or
 * restored with the stage), else the data checked again against the schema (its first two deps).
 */
async function validationOf(root: string, stage: Stage): Promise<ValidationResult> {
  const details = stage.uses?.details;
  if (details && existsSync(join(root, details))) {
    const parsed = validationSchema.safeParse(JSON.parse(readFileSync(join(root, details), 'utf8')));
    if (parsed.success) return parsed.data as unknown as ValidationResult;
  }
  const [data, schema] = stage.deps;
  return validateFile(join(root, data!.path), { schemaPath: join(root, schema!.path) });
}
