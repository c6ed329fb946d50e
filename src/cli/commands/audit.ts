/** `sluice audit [--model NAME] [--limit N] [--json]`: who changed the registry, what, when and from where. */
import { z } from 'zod';
import { renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import { printJson } from '../output.js';
import { cliActor, withServices, type CliContext } from '../services.js';

const auditSchema = z.object({
  model: z.string().min(1).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1, { error: 'must be at least 1' }).max(10_000).default(50),
  json: z.boolean().default(false),
});

export async function auditCommand(rawOptions: unknown, output: CliContext): Promise<number> {
  const options = parseOptions(auditSchema, rawOptions, 'audit');
  return withServices(output, async (services) => {
    const registry = services.registry(cliActor());
    const entries = await registry.listAudit({ model: options.model, limit: options.limit });
    // No entry for a name no model has (a typo) is the model not found, not an empty log.
    if (entries.length === 0 && options.model !== undefined) await registry.getRegisteredModel(options.model);
    if (options.json) {
      printJson(output, entries.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() })));
      return 0;
    }
    if (entries.length === 0) {
      output.stdout.write(options.model === undefined ? 'The audit log is empty: nothing in the registry has changed yet.\n' : `The audit log has no entry for model ${options.model} yet.\n`);
      return 0;
    }
    const rows = entries.map((entry) => [
      new Date(entry.at).toISOString().replace('T', ' ').slice(0, 19),
      entry.actor,
      entry.action,
      entry.target,
      summarize(entry.details),
      entry.origin.length > 60 ? `${entry.origin.slice(0, 57)}…` : entry.origin,
    ]);
    output.stdout.write(renderTable(['When (UTC)', 'Who', 'Action', 'Target', 'Details', 'From'], rows));
    return 0;
  });
}

function summarize(details: Readonly<Record<string, unknown>>): string {
  const text = Object.entries(details)
    .filter(([, value]) => value !== null && value !== '' && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text || '—';
}
