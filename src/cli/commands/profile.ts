/**
 * `sluice data profile FILE`: what a table holds, column by column. A table for people, JSON for
 * machines (`--json`, printed or written to a file), an HTML page with a chart per column.
 */
import { z } from 'zod';
import { writeFileAtomic } from '../../core/index.js';
import { profileFile } from '../../data/index.js';
import { PROFILE_HEADERS, profileRows, profileSummary, renderProfileHtml } from '../../reports/index.js';
import { renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';

const profileOptionsSchema = z.object({
  /** `--json` alone or `--json -` prints to stdout; `--json FILE` writes the file. */
  json: z.union([z.literal(true), z.string().min(1)]).optional(),
  html: z.string().regex(/\.html?$/i, { error: 'must end in .html' }).optional(),
});

/** The flags as commander passes them. */
/** Profiles FILE and prints the table (or JSON); exit 0, or 2 on a bad file or flag. */
export async function profileCommand(file: string, rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(profileOptionsSchema, rawOptions, 'data profile');
  const profile = await profileFile(file);
  if (options.html) writeFileAtomic(options.html, renderProfileHtml(profile));
  const json = `${JSON.stringify(profile, null, 2)}\n`;
  if (options.json === true || options.json === '-') {
    output.stdout.write(json);
    return 0;
  }
  if (options.json) writeFileAtomic(options.json, json);
  output.stdout.write(renderTable(PROFILE_HEADERS, profileRows(profile), { alignRight: [2, 3, 4, 5, 6] }));
  output.stdout.write(`\n${profileSummary(profile)}\n`);
  if (options.json) output.stdout.write(`JSON written to ${options.json}\n`);
  if (options.html) output.stdout.write(`Report written to ${options.html}\n`);
  return 0;
}
