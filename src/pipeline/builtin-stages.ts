/**
 * `uses:` stages: Sluice's own steps (train, eval, gate, validate, tests) written as `sluice …` commands with
 * their deps, outs and params filled in, so they cache, rerun and record like any stage.
 * Each `with` block is validated here, with errors located in sluice.yaml.
 */
import { didYouMean, invalidDocument, shellWord, validateWithSchema, type DocumentPath } from '../core/index.js';
import { describeSluicePath } from './describe-path.js';
import { isRecord, lookupParam } from './params.js';
import type { ResolveContext } from './resolve-context.js';
import type { StageBody } from './schema.js';
import { USES_WITH } from './uses-schemas.js';

const { train: trainWith, eval: evalWith, gate: gateWith, validate: validateWith, tests: testsWith } = USES_WITH;

/**
 * The gate set a `uses: gate` stage checks: the gates section itself when it is one set (its
 * fields at the top, as evaluation/gates/load-gate-config.ts tells them apart), else the named
 * set `with: {gate: NAME}` chooses (optional when there is only one).
 */
function chooseGateSet(stage: string, wanted: string | undefined, source: DocumentPath, context: ResolveContext): { set: Record<string, unknown>; name: string | undefined } {
  const gates = (context.document.value as { gates?: unknown } | null)?.gates;
  const fail = (problem: string, at: DocumentPath): never => {
    throw invalidDocument({ problem }, { location: context.document.locate(at) });
  };
  if (!isRecord(gates)) return fail(`stage "${stage}" uses gate, but sluice.yaml has no gates section.`, [...source, 'uses']);
  const names = Object.keys(gates);
  if (names.length === 0 || 'rules' in gates || 'model' in gates) {
    if (wanted !== undefined) fail(`stage "${stage}" checks the gate set "${wanted}", but the gates section of sluice.yaml is one unnamed set: remove \`gate\` from with, or name the sets.`, [...source, 'with', 'gate']);
    return { set: gates, name: undefined };
  }
  const name = wanted ?? (names.length === 1 ? names[0]! : undefined);
  if (name === undefined) return fail(`stage "${stage}" uses gate, but sluice.yaml has several gate sets (${names.join(', ')}): name one with \`with: {gate: NAME}\`.`, [...source, 'uses']);
  const set = gates[name];
  if (!isRecord(set)) return fail(`stage "${stage}" checks the gate set "${name}", which sluice.yaml does not define (its gate sets: ${names.join(', ')}).${didYouMean(name, names)}`, [...source, 'with', 'gate']);
  return { set, name };
}

/** A shell word of a generated command (`${…}` stays unquoted so it interpolates). */
function word(text: string): string {
  return shellWord(text, { keepVariables: true });
}

// eslint-disable-next-line max-lines-per-function -- one case per `uses:` kind, each a short translation of its `with` block into a command; kept together so the four read alike
export function expandUses(name: string, body: StageBody, source: DocumentPath, context: ResolveContext): StageBody {
  const at = [...source, 'with'];
  const raw = body.with ?? {};
  const merge = (generated: Partial<StageBody>): StageBody => ({
    ...body,
    cmd: generated.cmd,
    deps: [...(generated.deps ?? []), ...(body.deps ?? [])],
    outs: [...(generated.outs ?? []), ...(body.outs ?? [])],
    metrics: [...(generated.metrics ?? []), ...(body.metrics ?? [])],
    plots: [...(generated.plots ?? []), ...(body.plots ?? [])],
    params: [...(generated.params ?? []), ...(body.params ?? [])],
  });
  switch (body.uses) {
    case 'train': {
      const options = validateWithSchema(trainWith, raw, context.document, { pathPrefix: at, describe: describeSluicePath });
      const args = ['sluice train', `--data ${word(options.data)}`, `--target ${word(options.target)}`, `--algorithm ${word(options.algorithm)}`];
      const params: StageBody['params'] = [];
      if (typeof options.params === 'string') {
        // A params section: each value is interpolated from params.yaml, so a change reads as a param change.
        const section = lookupParam(context.scope.params, options.params);
        if (!section.found || !isRecord(section.value)) {
          throw invalidDocument({ problem: `stage "${name}" takes its params from "${options.params}", but ${context.paramsFile} has no section of that name` }, { location: context.document.locate([...at, 'params']) });
        }
        const keys = Object.keys(section.value);
        if (keys.length > 0) args.push(`--params ${keys.map((key) => `${key}=\${${options.params}.${key}}`).join(' ')}`);
        params.push(options.params);
      } else if (options.params && Object.keys(options.params).length > 0) {
        args.push(`--params ${Object.entries(options.params).map(([key, value]) => word(`${key}=${value}`)).join(' ')}`);
      }
      if (options.exclude?.length) args.push(`--exclude ${options.exclude.map(word).join(' ')}`);
      if (typeof options.features === 'string') {
        const found = lookupParam(context.scope.params, options.features);
        if (!found.found || !Array.isArray(found.value)) {
          throw invalidDocument({ problem: `stage "${name}" takes its features from "${options.features}", but ${context.paramsFile} has no list of that name` }, { location: context.document.locate([...at, 'features']) });
        }
        // One placeholder per item, so the command follows the params file.
        if (found.value.length > 0) args.push(`--features ${found.value.map((_, index) => `\${${options.features}.${index}}`).join(' ')}`);
        params.push(options.features);
      } else if (options.features?.length) args.push(`--features ${options.features.map(word).join(' ')}`);
      if (options.categorical?.length) args.push(`--categorical ${options.categorical.map(word).join(' ')}`);
      if (options.task) args.push(`--task ${options.task}`);
      args.push(`--out ${word(options.out)}`);
      return merge({ cmd: args.join(' '), deps: [options.data], outs: [options.out], params });
    }
    case 'eval': {
      const options = validateWithSchema(evalWith, raw, context.document, { pathPrefix: at, describe: describeSluicePath });
      const args = ['sluice eval', `--model ${word(options.model)}`, `--data ${word(options.data)}`, `--target ${word(options.target)}`];
      if (options.task) args.push(`--task ${options.task}`);
      if (options.positive_label !== undefined) args.push(`--positive-label ${word(String(options.positive_label))}`);
      if (options.threshold !== undefined) args.push(`--threshold ${options.threshold}`);
      for (const [flag, values] of [['--exclude', options.exclude], ['--slice', options.slice], ['--sensitive', options.sensitive]] as const) {
        if (values?.length) args.push(`${flag} ${values.map(word).join(' ')}`);
      }
      if (options.bootstrap !== undefined) args.push(`--bootstrap ${options.bootstrap}`);
      if (options.importance_repeats !== undefined) args.push(`--importance-repeats ${options.importance_repeats}`);
      if (options.seed !== undefined) args.push(`--seed ${options.seed}`);
      args.push(`--metrics ${word(options.metrics)}`);
      if (options.details) args.push(`--json ${word(options.details)}`);
      if (options.report) args.push(`--report ${word(options.report)}`);
      return merge({
        cmd: args.join(' '),
        deps: [options.model, options.data],
        outs: options.details ? [options.details] : [],
        metrics: [options.metrics],
        plots: options.report ? [options.report] : [],
      });
    }
    case 'gate': {
      const options = validateWithSchema(gateWith, raw, context.document, { pathPrefix: at, describe: describeSluicePath });
      const chosen = chooseGateSet(name, options.gate, source, context);
      // Registry references (models:/NAME@champion) are deps too: hashed as the version they name.
      const deps = ['model', 'data', 'baseline'].flatMap((key) => (typeof chosen.set[key] === 'string' ? [String(chosen.set[key])] : []));
      const summary = options.summary ?? (chosen.name === undefined ? 'metrics/gate.json' : `metrics/gate-${chosen.name}.json`);
      const args = ['sluice gate', ...(chosen.name === undefined ? [] : [`--gate ${word(chosen.name)}`]), `--summary ${word(summary)}`];
      if (options.report) args.push(`--report ${word(options.report)}`);
      if (options.details) args.push(`--json ${word(options.details)}`);
      // The rules are a dependency too: the gate set is read like a params section of sluice.yaml.
      const key = chosen.name === undefined ? 'gates' : `gates.${chosen.name}`;
      return merge({
        cmd: args.join(' '),
        deps,
        outs: options.details ? [options.details] : [],
        metrics: [summary],
        params: [{ 'sluice.yaml': [key] }],
        ...(options.report ? { plots: [{ [options.report]: { cache: false } }] } : {}),
      });
    }
    case 'validate': {
      const options = validateWithSchema(validateWith, raw, context.document, { pathPrefix: at, describe: describeSluicePath });
      const args = ['sluice validate', word(options.data), `--schema ${word(options.schema)}`];
      if (options.reference) args.push(`--reference ${word(options.reference)}`);
      args.push(`--summary ${word(options.summary)}`);
      if (options.report) args.push(`--report ${word(options.report)}`);
      if (options.details) args.push(`--json ${word(options.details)}`);
      return merge({
        cmd: args.join(' '),
        deps: [options.data, options.schema, ...(options.reference ? [options.reference] : [])],
        outs: options.details ? [options.details] : [],
        metrics: [options.summary],
        ...(options.report ? { plots: [{ [options.report]: { cache: false } }] } : {}),
      });
    }
    case 'tests': {
      const options = validateWithSchema(testsWith, raw, context.document, { pathPrefix: at, describe: describeSluicePath });
      // Tests whose inputs are not declared must run every time: nothing else would tell that the code changed.
      const alwaysChanged = body.always_changed ?? (body.deps ?? []).length === 0;
      return {
        ...merge({ cmd: options.run, outs: options.junit ? [options.junit] : [] }),
        always_changed: alwaysChanged,
        tests: options.junit ? { junit: options.junit } : true,
      };
    }
    default:
      return body;
  }
}
