/**
 * The values of a YAML text, read fast when that gives exactly what `yaml` gives.
 *
 * Why two parsers: `yaml` keeps every node's source range, which {@link parseLocatedYaml} needs to
 * point errors at `file:line:col`, but it reads about six times slower than js-yaml: 105 against
 * 18 ms for an 800-line sluice.yaml of 200 stages the first time in a process, which every command
 * in a fresh clone (CI) pays for sluice.yaml, sluice.lock and params.yaml. The values come from
 * js-yaml with a schema written to resolve plain scalars as `yaml`'s YAML 1.2 core schema does, and
 * only for texts where the two are known to agree: no directives, anchors, aliases, tags or
 * complex keys, and no keys that the two name differently (a null or collection key). Anything
 * else, and any text js-yaml refuses, is read by `yaml` alone, as before: its errors and
 * positions are the ones users see. A test holds both readings equal over a corpus.
 */
import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';

// YAML 1.2 core schema, as `yaml` resolves plain scalars (js-yaml's own also reads 0b…, +0x… and -0o…).
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

function toInt(text: string): number {
  return text.startsWith('0o') ? Number.parseInt(text.slice(2), 8) : text.startsWith('0x') ? Number.parseInt(text.slice(2), 16) : Number(text);
}

function toFloat(text: string): number {
  if (/inf$/i.test(text)) return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/nan$/i.test(text)) return Number.NaN;
  return Number(text);
}

const intType = new Type('tag:yaml.org,2002:int', { kind: 'scalar', resolve: (text: string) => INT.test(text), construct: toInt });
const floatType = new Type('tag:yaml.org,2002:float', { kind: 'scalar', resolve: (text: string) => !INT.test(text) && FLOAT.test(text), construct: toFloat });
const nullType = new Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (text: string) => /^(?:~|null|Null|NULL)?$/.test(text), construct: () => null });
const boolType = new Type('tag:yaml.org,2002:bool', { kind: 'scalar', resolve: (text: string) => /^(?:true|True|TRUE|false|False|FALSE)$/.test(text), construct: (text: string) => text.startsWith('t') || text.startsWith('T') });
const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });

/**
 * Marks that js-yaml and `yaml` may read differently: a directive (`%YAML 1.1` changes the
 * schema), an anchor (`&name`), alias (`*name`), tag (`!tag`, `!!str`) or explicit complex key
 * (`? `), each after a space or a flow indicator. Shell text is left out where it is not one of
 * those (`&&`, `**`, `*.csv`, `!=`); what else it matches inside a string (`echo *x`) is read by
 * `yaml`, which is only slower.
 */
const NOT_PLAIN = /^%|(?:^|[\s[{,])(?:[&*][^\s,[\]{}&*.]|![^\s,[\]{}=]|\?\s)/m;

/** Keys js-yaml would name otherwise than `yaml`: null keys (`yaml`: "") and collection keys. */
function hasAmbiguousKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasAmbiguousKey);
  if (value === null || typeof value !== 'object') return false;
  for (const [key, entry] of Object.entries(value)) {
    if (key === 'null' || key.includes(',') || key === '[object Object]' || hasAmbiguousKey(entry)) return true;
  }
  return false;
}

/** The text's value as `yaml` (core schema, unique keys) would give it, or undefined when only `yaml` can say. */
export function fastYamlValues(text: string): { value: unknown } | undefined {
  if (NOT_PLAIN.test(text)) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: SCHEMA });
  } catch {
    return undefined;
  }
  if (hasAmbiguousKey(value)) return undefined;
  // An empty document is null in `yaml`, undefined in js-yaml.
  return { value: value === undefined ? null : value };
}
