// An esbuild plugin for the CLI bundle: imports through a domain's index.ts go straight to the
// files that define the names, and Sluice's own modules are marked free of import side effects.
//
// Why: esbuild splits code into chunks file by file. A barrel (`src/store/index.ts`) imported by
// two commands is in both commands' chunk sets, and so is every file it re-exports that any
// command uses: `sluice status` took `parseStoreUrl` from the store's index and got Kysely, the
// migrations and the tracking store with it (1.1 MB of its 1.6 MB). The sources import through
// indexes on purpose (the lint's layering), so the bundle, not the code, resolves them.
// Hand-written because it relies on our own rule that an index.ts only re-exports
// (`export { a, type B } from './file.js'`); names it cannot map keep their original import.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const IMPORT = /^import\s+(type\s+)?\{([^}]*)\}\s*from\s*'(\.\.?\/[^']*\/index\.js)';/gm;
const REEXPORT = /^export\s+(type\s+)?\{([^}]*)\}\s*from\s*'(\.\/[^']*)';/gm;

/** `a`, `type B`, `c as d` → { name, local, type }. */
function specifiers(list) {
  return list
    .split(',')
    .map((text) => text.trim())
    .filter((text) => text.length > 0)
    .map((text) => {
      const type = text.startsWith('type ');
      const [name, local = name] = (type ? text.slice(5) : text).split(/\s+as\s+/).map((part) => part.trim());
      return { name, local, type };
    });
}

/** Exported name → the absolute .ts file defining it (under its own name there), for one barrel. */
function barrelMap(barrel, cache) {
  let map = cache.get(barrel);
  if (map) return map;
  map = new Map();
  cache.set(barrel, map);
  let text;
  try {
    text = readFileSync(barrel, 'utf8');
  } catch {
    return map;
  }
  for (const [, typeOnly, list, from] of text.matchAll(REEXPORT)) {
    if (typeOnly) continue;
    const file = resolve(dirname(barrel), from.replace(/\.js$/, '.ts'));
    // A nested barrel is followed, so a name maps to its defining file.
    const nested = file.endsWith(`${sep}index.ts`) ? barrelMap(file, cache) : undefined;
    for (const { name, local, type } of specifiers(list)) {
      if (type) continue;
      const inner = nested?.get(name);
      if (inner) map.set(local, inner);
      else if (!nested) map.set(local, { file, name });
    }
  }
  return map;
}

function importPath(fromFile, toFile) {
  const path = relative(dirname(fromFile), toFile).split(sep).join('/').replace(/\.ts$/, '.js');
  return path.startsWith('.') ? path : `./${path}`;
}

/** Rewrites a source file's value imports from other domains' indexes into imports from the defining files. */
export function rewriteBarrelImports(file, text, cache) {
  return text.replace(IMPORT, (statement, typeOnly, list, from) => {
    if (typeOnly) return statement;
    const barrel = resolve(dirname(file), from.replace(/\.js$/, '.ts'));
    const map = barrelMap(barrel, cache);
    const kept = [];
    const direct = new Map();
    for (const specifier of specifiers(list)) {
      const target = specifier.type ? undefined : map.get(specifier.name);
      if (!target) {
        kept.push(specifier);
        continue;
      }
      const names = direct.get(target.file) ?? [];
      names.push(target.name === specifier.local ? target.name : `${target.name} as ${specifier.local}`);
      direct.set(target.file, names);
    }
    if (direct.size === 0) return statement;
    const lines = [...direct].map(([target, names]) => `import { ${names.join(', ')} } from '${importPath(file, target)}';`);
    if (kept.length > 0) {
      // Types alone become `import type`, which leaves nothing behind (not even a bare import of the index).
      const typesOnly = kept.every(({ type }) => type);
      const names = kept.map(({ name, local, type }) => `${type && !typesOnly ? 'type ' : ''}${name === local ? name : `${name} as ${local}`}`);
      lines.push(`import ${typesOnly ? 'type ' : ''}{ ${names.join(', ')} } from '${from}';`);
    }
    // As many lines as the original, so that line numbers (and source maps) stay those of the source.
    return lines.join(' ') + '\n'.repeat(statement.split('\n').length - 1);
  });
}

/** The plugin: applies to the .ts files under `sourceDir`. */
export function directImports(sourceDir) {
  const root = resolve(sourceDir) + sep;
  const cache = new Map();
  return {
    name: 'sluice-direct-imports',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(root) || args.path.endsWith(`${sep}index.ts`)) return undefined;
        return { contents: rewriteBarrelImports(args.path, readFileSync(args.path, 'utf8'), cache), loader: 'ts', resolveDir: dirname(args.path) };
      });
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.pluginData === 'resolving' || !args.resolveDir.startsWith(root)) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
        if (resolved.errors.length > 0 || resolved.external || !resolved.path.startsWith(root)) return resolved;
        return { ...resolved, sideEffects: false };
      });
    },
  };
}

export const SOURCE_DIR = join(import.meta.dirname, '..', 'src');
