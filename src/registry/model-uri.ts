/** `models:/` URIs, MLflow's names for registered versions: by number, alias, stage or `latest`. */
import { invalidModelUri } from './errors.js';
import { MODEL_STAGES, type ModelStage } from './entities.js';

export type ModelReference =
  | { readonly name: string; readonly kind: 'version'; readonly version: number }
  | { readonly name: string; readonly kind: 'alias'; readonly alias: string }
  | { readonly name: string; readonly kind: 'stage'; readonly stage: ModelStage }
  | { readonly name: string; readonly kind: 'latest' };

export function isModelUri(value: string): boolean {
  return value.startsWith('models:/');
}

/** Reads `models:/NAME/3`, `models:/NAME@champion`, `models:/NAME/latest` or `models:/NAME/Production`. */
export function parseModelUri(uri: string): ModelReference {
  const body = uri.startsWith('models:/') ? uri.slice('models:/'.length).replace(/^\/+/, '') : undefined;
  if (!body) throw invalidModelUri({ uri });
  const at = body.lastIndexOf('@');
  if (at > 0 && !body.slice(at).includes('/')) {
    const alias = body.slice(at + 1);
    if (!alias) throw invalidModelUri({ uri });
    return { name: body.slice(0, at), kind: 'alias', alias };
  }
  const slash = body.lastIndexOf('/');
  if (slash <= 0) throw invalidModelUri({ uri });
  const name = body.slice(0, slash);
  const selector = body.slice(slash + 1);
  if (/^\d+$/.test(selector)) return { name, kind: 'version', version: Number(selector) };
  if (selector.toLowerCase() === 'latest') return { name, kind: 'latest' };
  const stage = MODEL_STAGES.find((candidate) => candidate.toLowerCase() === selector.toLowerCase());
  if (stage) return { name, kind: 'stage', stage };
  throw invalidModelUri({ uri });
}

/** The canonical URI of a version, with the alias form when one is given. */
export function formatModelUri(name: string, selector: number | string): string {
  return typeof selector === 'number' ? `models:/${name}/${selector}` : `models:/${name}@${selector}`;
}
