// ESLint rule `sluice/no-import-cycle`: reports every static import that closes a cycle of
// imports between the project's own files, `import type` and `export type … from` included.
//
// Why a local rule: import-x/no-cycle (like eslint-plugin-import's no-cycle) always skips
// type-only imports and has no option to count them, and the project counts type-only cycles
// too (issue 11). Dynamic `import()` is not counted: it loads lazily, so it cannot make a
// module see another half-initialised, and the code base uses it on purpose to load heavy
// domains on demand.
//
// Other files are parsed with the parser ESLint uses for the current file; their imports are
// cached per path and modification time for the rest of the run.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** @type {Map<string, { stamp: string, edges: Map<string, boolean> }>} path → imported path → type-only */
const modules = new Map();

function stampOf(path) {
  try {
    const stat = statSync(path);
    return stat.isFile() ? `${stat.mtimeMs}:${stat.size}` : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves a relative specifier the way nodenext does for our sources: `./x.js` is `./x.ts`. */
function resolveSpecifier(fromFile, specifier) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base];
  if (base.endsWith('.js')) candidates.unshift(`${base.slice(0, -3)}.ts`, `${base.slice(0, -3)}.tsx`);
  if (base.endsWith('.mjs')) candidates.unshift(`${base.slice(0, -4)}.mts`);
  if (base.endsWith('.cjs')) candidates.unshift(`${base.slice(0, -4)}.cts`);
  return candidates.find((candidate) => stampOf(candidate) !== undefined);
}

function allSpecifiersAreTypes(specifiers, kind) {
  return specifiers.length > 0 && specifiers.every((specifier) => specifier[kind] === 'type');
}

/** The static imports and re-exports of a module: `{ node, specifier, typeOnly }`. */
function staticImports(program) {
  const found = [];
  for (const statement of program.body) {
    switch (statement.type) {
      case 'ImportDeclaration':
        found.push({
          node: statement.source,
          specifier: statement.source.value,
          typeOnly: statement.importKind === 'type' || allSpecifiersAreTypes(statement.specifiers, 'importKind'),
        });
        break;
      case 'ExportNamedDeclaration':
        if (statement.source) {
          found.push({
            node: statement.source,
            specifier: statement.source.value,
            typeOnly: statement.exportKind === 'type' || allSpecifiersAreTypes(statement.specifiers, 'exportKind'),
          });
        }
        break;
      case 'ExportAllDeclaration':
        found.push({ node: statement.source, specifier: statement.source.value, typeOnly: statement.exportKind === 'type' });
        break;
      case 'TSImportEqualsDeclaration':
        if (statement.moduleReference.type === 'TSExternalModuleReference') {
          const source = statement.moduleReference.expression;
          found.push({ node: source, specifier: source.value, typeOnly: statement.importKind === 'type' });
        }
        break;
      default:
        break;
    }
  }
  return found.filter((entry) => typeof entry.specifier === 'string');
}

/** Imported path → whether every import of it is type-only. */
function edgesOf(file, imports) {
  const edges = new Map();
  for (const { specifier, typeOnly } of imports) {
    const target = resolveSpecifier(file, specifier);
    if (target === undefined || target.includes('/node_modules/')) continue;
    edges.set(target, (edges.get(target) ?? true) && typeOnly);
  }
  return edges;
}

function parseFile(path, parser) {
  const code = readFileSync(path, 'utf8');
  const options = { ecmaVersion: 'latest', sourceType: 'module', filePath: path, range: true, loc: true };
  const ast = typeof parser?.parse === 'function' ? parser.parse(code, options) : parser.parseForESLint(code, options).ast;
  return staticImports(ast);
}

function moduleEdges(path, parser) {
  const stamp = stampOf(path);
  const cached = modules.get(path);
  if (cached && cached.stamp === stamp) return cached.edges;
  let edges = new Map();
  try {
    edges = edgesOf(path, parseFile(path, parser));
  } catch {
    // A file that does not parse gets its own parse error from ESLint; it ends no cycle here.
  }
  modules.set(path, { stamp, edges });
  return edges;
}

/** The shortest chain of imports from `start` back to `goal`, as `[{ path, typeOnly }]`, or undefined. */
function pathBack(start, goal, parser) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const [next, typeOnly] of moduleEdges(current, parser)) {
      if (previous.has(next)) continue;
      previous.set(next, { from: current, typeOnly });
      if (next === goal) {
        const chain = [];
        for (let at = next; at !== start; at = previous.get(at).from) chain.unshift({ path: at, typeOnly: previous.get(at).typeOnly });
        return chain;
      }
      queue.push(next);
    }
  }
  return undefined;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles between project files, type-only imports included' },
    schema: [],
    messages: { cycle: 'Import cycle: {{chain}}' },
  },
  create(context) {
    const file = context.physicalFilename;
    const parser = context.languageOptions.parser;
    return {
      Program(program) {
        const imports = staticImports(program);
        const edges = edgesOf(file, imports);
        modules.set(file, { stamp: stampOf(file), edges });
        const show = (path) => relative(context.cwd, path);
        const reported = new Set();
        for (const { node, specifier } of imports) {
          const target = resolveSpecifier(file, specifier);
          if (target === undefined || reported.has(target) || !edges.has(target)) continue;
          reported.add(target);
          const back = target === file ? [] : pathBack(target, file, parser);
          if (back === undefined) continue;
          const links = [{ path: target, typeOnly: edges.get(target) }, ...back];
          const chain = [show(file), ...links.map(({ path, typeOnly }) => `${typeOnly ? '(import type) ' : ''}${show(path)}`)].join(' → ');
          context.report({ node, messageId: 'cycle', data: { chain } });
        }
      },
    };
  },
};
