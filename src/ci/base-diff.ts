/** `sluice ci --base REF`: the params and metrics that differ between REF and this workspace (as `sluice params diff` / `metrics diff`). */
import { collectMetrics, collectMetricsAtRevision, diffMetrics, diffParamValues, readParamsAt } from '../pipeline/index.js';
import { openWorkspaceCache } from '../workspace/index.js';
import type { CiDiff } from './ci-result.js';
import type { CiContext } from './ci-context.js';

/** Reads the params at `base` before anything runs, so an unknown revision fails at once (exit 2). */
export async function checkBase(context: CiContext, base: string): Promise<void> {
  await readParamsAt(context.pipeline, base);
}

export async function baseDiff(context: CiContext, base: string): Promise<CiDiff> {
  const { pipeline, root } = context;
  const params = diffParamValues(await readParamsAt(pipeline, base), await readParamsAt(pipeline, undefined));
  const old = await collectMetricsAtRevision(root, base, pipeline.stages, openWorkspaceCache(context.services.workspace));
  const metrics = diffMetrics(old, collectMetrics(root, pipeline.stages));
  return { base, params, metrics };
}
