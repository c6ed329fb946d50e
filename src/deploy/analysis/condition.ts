/**
 * Success and failure conditions: expressions over a measurement's `result`, as Argo Rollouts
 * writes them (`result >= 0.95`, `result[0] < 0.01 && result[1] < 0.05`, `len(result) > 0`).
 * Evaluated by jexl, which parses into an AST and interprets it: no `eval`, no access to
 * anything but `result` and the functions below. `and`/`or`/`not` are accepted too.
 */
import jexl from 'jexl';
import { closestMatch } from '../../core/index.js';

type Ast = ReturnType<ReturnType<typeof jexl.compile>['_getAst']>;

const language = new jexl.Jexl();
language.addBinaryOp('and', 10, (left: unknown, right: unknown) => Boolean(left) && Boolean(right));
language.addBinaryOp('or', 10, (left: unknown, right: unknown) => Boolean(left) || Boolean(right));
language.addUnaryOp('not', (value: unknown) => !value);
language.addFunctions({
  len: (value: unknown) => (Array.isArray(value) || typeof value === 'string' ? value.length : 0),
  isNaN: (value: unknown) => typeof value === 'number' && Number.isNaN(value),
  isInf: (value: unknown) => value === Infinity || value === -Infinity,
  abs: (value: unknown) => Math.abs(Number(value)),
  min: (...values: unknown[]) => Math.min(...values.flat().map(Number)),
  max: (...values: unknown[]) => Math.max(...values.flat().map(Number)),
  default: (value: unknown, fallback: unknown) => (value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value)) ? fallback : value),
});

export const CONDITION_VARIABLES = ['result'] as const;
export const CONDITION_FUNCTIONS = ['len', 'isNaN', 'isInf', 'abs', 'min', 'max', 'default'] as const;

/** A compiled condition: true, false, or (for a non-boolean outcome) an error. */
export interface Condition {
  readonly text: string;
  /** With `result` as the only variable (analysis metrics). */
  evaluate(result: unknown): boolean;
  /** With named variables (a monitor's check results). */
  evaluateWith(context: Readonly<Record<string, unknown>>): boolean;
}

/** Why a condition cannot be compiled, in words for the user. */
export class ConditionSyntaxError extends Error {}

/**
 * Compiles `text`, or throws ConditionSyntaxError naming the problem: a syntax error, a name
 * other than the allowed variables (`result` for analysis metrics; a monitor's check names for
 * its alert rules), or an unknown function.
 */
export function compileCondition(
  text: string,
  variables: readonly string[] = CONDITION_VARIABLES,
  example = 'result >= 0.95',
  /** The names each variable holds, where they are known (a monitor check's values): `check.other` is then refused. */
  fields: Readonly<Record<string, readonly string[]>> = {},
): Condition {
  let expression: ReturnType<typeof language.compile>;
  try {
    expression = language.compile(text);
  } catch (error) {
    throw new ConditionSyntaxError(`cannot parse "${text}": ${(error as Error).message}`);
  }
  checkNames(expression._getAst(), text, variables, example, fields);
  const evaluateWith = (context: Readonly<Record<string, unknown>>): boolean => {
    const outcome: unknown = expression.evalSync(context as Record<string, unknown>);
    if (typeof outcome !== 'boolean') throw new ConditionSyntaxError(`"${text}" gave ${JSON.stringify(outcome)}, not true or false`);
    return outcome;
  };
  return { text, evaluate: (result) => evaluateWith({ result }), evaluateWith };
}

/** Walks the AST: every identifier at the root of a path must be an allowed variable, every call a known function. */
function checkNames(node: Ast | undefined, text: string, variables: readonly string[], example: string, fields: Readonly<Record<string, readonly string[]>>): void {
  if (!node || typeof node !== 'object') return;
  const record = node as unknown as Record<string, unknown>;
  const from = record.from as Record<string, unknown> | undefined;
  const known = record.type === 'Identifier' && from?.type === 'Identifier' && from.from === undefined ? fields[from.value as string] : undefined;
  if (known && !known.includes(record.value as string)) {
    const check = String(from!.value);
    const closest = closestMatch(record.value as string, known);
    throw new ConditionSyntaxError(`"${text}" names "${check}.${String(record.value)}", which ${check} does not give${closest ? ` (did you mean ${check}.${closest}?)` : ''}; it gives ${known.join(', ')}`);
  }
  if (record.type === 'Identifier' && record.from === undefined && !variables.includes(record.value as string)) {
    const allowed = variables.length === 1 && variables[0] === 'result' ? 'result (the measurement)' : variables.join(', ');
    throw new ConditionSyntaxError(`"${text}" names "${String(record.value)}"; a condition can only use ${allowed}, like ${example}`);
  }
  if (record.type === 'FunctionCall' && !CONDITION_FUNCTIONS.includes(record.name as 'len')) {
    throw new ConditionSyntaxError(`"${text}" calls ${String(record.name)}(); the functions are ${CONDITION_FUNCTIONS.join(', ')}`);
  }
  for (const value of Object.values(record)) {
    if (Array.isArray(value)) for (const child of value) checkNames(child as Ast, text, variables, example, fields);
    else if (value && typeof value === 'object') checkNames(value as Ast, text, variables, example, fields);
  }
}
