/**
 * `sluice monitor rules --out DIR [--env NAME]`: Prometheus alerting rules and a Grafana dashboard
 * for the monitors of sluice.yaml, over the gauges `sluice serve --env` serves on /metrics.
 * Needs no store: they are derived from the configuration alone.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/index.js';
import { findMonitor, grafanaDashboard, loadMonitors, prometheusRuleFile } from '../../monitoring/index.js';
import { currentWorkspace } from '../context.js';
import { parseOptions } from '../options.js';
import type { CliContext } from '../services.js';

const rulesSchema = z.object({
  env: z.string().min(1, { error: 'must name an environment' }).optional(),
  out: z.string({ error: 'is required' }).min(1, { error: 'must name a directory' }),
  json: z.boolean().default(false),
});

export const RULES_FILE = 'sluice-monitor-rules.yaml';
export const DASHBOARD_FILE = 'sluice-monitor-dashboard.json';

export async function monitorRulesCommand(rawOptions: unknown, cli: CliContext): Promise<number> {
  const options = parseOptions(rulesSchema, rawOptions, 'monitor rules');
  const config = loadMonitors(currentWorkspace().root);
  const monitors = options.env === undefined ? [...config.monitors.values()] : [findMonitor(config, options.env)];
  mkdirSync(options.out, { recursive: true });
  const rules = join(options.out, RULES_FILE);
  const dashboard = join(options.out, DASHBOARD_FILE);
  writeFileAtomic(rules, prometheusRuleFile(monitors));
  writeFileAtomic(dashboard, `${JSON.stringify(grafanaDashboard(monitors.map((monitor) => monitor.environment)), null, 2)}\n`);
  if (options.json) cli.stdout.write(`${JSON.stringify({ rules, dashboard, monitors: monitors.map((monitor) => monitor.environment) })}\n`);
  else cli.stdout.write(`Wrote Prometheus alerting rules for ${monitors.length} monitor${monitors.length === 1 ? '' : 's'} to ${rules} and a Grafana dashboard to ${dashboard}.\nAdd the rules under rule_files: in prometheus.yml, and scrape the /metrics of sluice serve --env.\n`);
  return 0;
}
