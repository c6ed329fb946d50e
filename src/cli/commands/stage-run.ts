/**
 * `sluice stage run NAME [--pull] [--push]`: run exactly one stage, assuming its deps are present
 * (missing ones are restored from a cache, pulled from the shared cache with `--pull`, never
 * computed), record its outcome, and exit as `sluice run` does. What a queue worker or an Argo
 * step executes.
 */
import { z } from 'zod';
import { currentWorkspace } from '../context.js';
import { parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';
import { reproduce, sharedCacheFlagsSchema } from './run.js';

const stageRunSchema = sharedCacheFlagsSchema.extend({ force: z.boolean().default(false) });

/** `sluice stage run NAME`: exactly one stage through {@link reproduce}, with `sluice run`'s exit codes. */
export async function stageRunCommand(name: string, rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(stageRunSchema, rawOptions, 'stage run');
  return reproduce(currentWorkspace(), options, output, { targets: [name], singleStage: true, force: options.force });
}
