/**
 * `sluice monitor report --html FILE [--markdown FILE] [--env NAME] [--limit N] [--since DURATION] [--json]`:
 * a monitor's windows over time from the monitor store, written as a self-contained HTML page
 * and/or Markdown (atomically), or printed as JSON.
 */
import { z } from 'zod';
import { writeFileAtomic } from '../../core/index.js';
import { durationSchema } from '../../deploy/index.js';
import { renderMonitorHtml, renderMonitorMarkdown } from '../../reports/index.js';
import { invalidOption, parseOptions } from '../options.js';
import { printJson } from '../output.js';
import { withServices, type CliContext } from '../services.js';
import { workspaceMonitors } from './monitor-context.js';

const DAY_MS = 86_400_000;

/** `7d`, or any duration deploy: accepts (`30m`, `12h`), in milliseconds. */
const sinceSchema = z.string().transform((value, context) => {
  const days = /^(\d+(?:\.\d+)?)d$/.exec(value.trim());
  if (days) return Math.round(Number(days[1]) * DAY_MS);
  const parsed = durationSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  context.addIssue({ code: 'custom', message: `must be a duration like 30m, 12h or 7d, not "${value}"` });
  return z.NEVER;
});

const reportSchema = z.object({
  env: z.string().min(1, { error: 'must name an environment' }).optional(),
  html: z.string().regex(/\.html?$/i, { error: 'must end in .html' }).optional(),
  markdown: z.string().regex(/\.(md|markdown)$/i, { error: 'must end in .md' }).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(10_000, { error: 'must be at most 10000' }).optional(),
  since: sinceSchema.optional(),
  json: z.boolean().default(false),
});

export async function monitorReportCommand(rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(reportSchema, rawOptions, 'monitor report');
  if (!options.html && !options.markdown && !options.json) throw invalidOption({ command: 'monitor report', problem: 'give --html FILE, --markdown FILE or --json' });
  return withServices(output, async (services) => {
    const { config, service } = workspaceMonitors(services);
    const declared = [...config.monitors.keys()];
    if (options.env === undefined && declared.length !== 1) {
      throw invalidOption({ command: 'monitor report', problem: declared.length === 0 ? 'sluice.yaml declares no monitor under monitor:' : `--env must name one of the monitors (${declared.join(', ')})` });
    }
    const environment = options.env ?? declared[0]!;
    // With --since, every window since then (up to 10 000) unless --limit narrows it to the newest.
    const limit = options.limit ?? (options.since === undefined ? 100 : 10_000);
    const report = await service.report(environment, { limit, since: options.since === undefined ? undefined : Date.now() - options.since });
    if (options.html) writeFileAtomic(options.html, renderMonitorHtml(report));
    if (options.markdown) writeFileAtomic(options.markdown, renderMonitorMarkdown(report));
    if (options.json) {
      printJson(output, report);
      return 0;
    }
    const count = report.timeline.windows.length;
    const files = [options.html, options.markdown].filter((file) => file !== undefined).join(' and ');
    output.stdout.write(`Wrote the report of ${report.environment} (${count} window${count === 1 ? '' : 's'}, ${report.alerts.length} alert${report.alerts.length === 1 ? '' : 's'}) to ${files}.\n`);
    return 0;
  });
}
