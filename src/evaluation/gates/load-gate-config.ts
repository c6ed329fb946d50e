/** Reads the `gates:` section from sluice.yaml (or another YAML file) with located errors. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseLocatedYaml, validateWithSchema, type PathDescriber, type SourceLocation } from '../../core/index.js';
import { dataFileNotFound } from '../../data/index.js';
import { gatesNotConfigured } from './errors.js';
import { gateConfigSchema, type GateConfig } from './schema.js';

const describeGatePath: PathDescriber = (path) => {
  if (path.length <= 1) return 'the gates section';
  if (path[1] === 'rules' && typeof path[2] === 'number') return `gate rule ${path[2] + 1}${path.length > 3 ? ` (${path.slice(3).join('.')})` : ''}`;
  return `"gates.${path.slice(1).join('.')}"`;
};

/**
 * The gates section of `file`, the directory its relative paths are read from, and where each
 * rule's metric is written (a metric unknown for the task is only found once the data is read).
 */
export function loadGateConfig(file: string): { config: GateConfig; baseDir: string; ruleLocations: SourceLocation[] } {
  const path = resolve(file);
  if (!existsSync(path)) throw dataFileNotFound({ path: file });
  const document = parseLocatedYaml(readFileSync(path, 'utf8'), file);
  const value = document.value as { gates?: unknown } | null;
  if (!value || typeof value !== 'object' || value.gates === undefined) throw gatesNotConfigured({ file });
  const config = validateWithSchema(gateConfigSchema, value.gates, document, { pathPrefix: ['gates'], describe: describeGatePath });
  const ruleLocations = config.rules.map((_, index) => document.locate(['gates', 'rules', index, 'metric']));
  return { config, baseDir: dirname(path), ruleLocations };
}
