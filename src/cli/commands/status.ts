/** `sluice status [stage...] [--json]`: which stages would run, and exactly why. */
import { isSettled, pipelineStatus, type StageState } from '../../pipeline/index.js';
import { currentWorkspace } from '../context.js';
import { makeStyler } from '../format/style.js';
import { z } from 'zod';
import { parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';
import { statusJson, UP_TO_DATE_LINE } from './status-output.js';

const statusSchema = z.object({ json: z.boolean().default(false) });

const STATE_LABELS: Record<StageState, string> = {
  'up-to-date': 'up to date',
  changed: 'changed',
  'outs-changed': 'outs changed',
  'upstream-changed': 'upstream changed',
  frozen: 'frozen',
};

export async function statusCommand(stages: readonly string[], rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(statusSchema, rawOptions, 'status');
  const reports = await pipelineStatus(currentWorkspace(), { targets: stages });
  if (options.json) {
    printJson(output, statusJson(reports));
    return 0;
  }
  const style = makeStyler(output.stdout);
  const stale = reports.filter((report) => !isSettled(report));
  if (stale.length === 0) {
    output.stdout.write(UP_TO_DATE_LINE);
    return 0;
  }
  for (const report of stale) {
    const color = report.state === 'changed' ? 'yellow' : 'cyan';
    output.stdout.write(`${style('bold', report.stage)}: ${style(color, STATE_LABELS[report.state])}\n`);
    for (const reason of report.reasons) output.stdout.write(`    ${reason}\n`);
  }
  const upToDate = reports.length - stale.length;
  if (upToDate > 0) output.stdout.write(style('dim', `(${upToDate} other stage${upToDate === 1 ? ' is' : 's are'} up to date)\n`));
  return 0;
}
