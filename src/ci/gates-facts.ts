/**
 * What `sluice ci` needs from the gates section before anything runs: whether there is one, the
 * production reference it gates against (the drift reference and the report's baseline), and the
 * registered model a passing candidate becomes a version of. The set itself is loaded, with every
 * check, by the gate step once the pipeline has produced the candidate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean, parseLocatedYaml } from '../core/index.js';
import { gateSetNotFound, gateSetRequired, isSingleGateSet } from '../evaluation/index.js';
import { isModelUri, parseModelUri } from '../registry/index.js';
import { PIPELINE_FILE } from '../workspace/index.js';
import { ciModelNameUnknown } from './errors.js';

export interface GatesFacts {
  /** False when sluice.yaml has no gates section: the gate and registration are skipped. */
  readonly configured: boolean;
  /** The production reference, as written: `models:/breast-cancer@champion`. */
  readonly baseline: string | undefined;
  /** The registered model's name: --model, else the baseline reference's. */
  readonly modelName: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the gates section of the workspace's sluice.yaml (the chosen set when there are several).
 * A configuration that would leave a passing candidate nameless fails now (exit 2), not after training.
 */
export function readGatesFacts(root: string, options: { readonly gate?: string | undefined; readonly model?: string | undefined }): GatesFacts {
  const file = join(root, PIPELINE_FILE);
  const document = existsSync(file) ? parseLocatedYaml(readFileSync(file, 'utf8'), PIPELINE_FILE) : undefined;
  const gates = isRecord(document?.value) ? document.value.gates : undefined;
  if (!isRecord(gates)) return { configured: false, baseline: undefined, modelName: options.model };
  const names = Object.keys(gates);
  // Which set decides is settled now, not after the pipeline ran for minutes.
  if (!isSingleGateSet(gates)) {
    if (options.gate === undefined && names.length > 1) throw gateSetRequired({ file: PIPELINE_FILE, names });
    if (options.gate !== undefined && !names.includes(options.gate)) throw gateSetNotFound({ file: PIPELINE_FILE, name: options.gate, names, suggestion: didYouMean(options.gate, names) });
  }
  const set = isSingleGateSet(gates) ? gates : gates[options.gate ?? (names.length === 1 ? names[0]! : '')];
  const baseline = isRecord(set) && typeof set.baseline === 'string' ? set.baseline : undefined;
  const modelName = options.model ?? (baseline !== undefined && isModelUri(baseline) ? parseModelUri(baseline).name : undefined);
  if (modelName === undefined) throw ciModelNameUnknown({ baseline });
  return { configured: true, baseline, modelName };
}
