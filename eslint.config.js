// Lint for layering, import cycles and sizes (issue 11). `npm run lint` runs it; CI fails on any error.
//
// Layers, with domains = the folders of src/ (read from disk below, not listed by hand):
// - Adapters: only src/cli/** imports src/cli/; only src/cli/** and src/http/** import src/http/.
// - A file may import any file of its own domain, but of another domain only its index.ts.
//   src/index.ts (the package entry) may import every domain's index. Tests (*.test.ts in src/,
//   test/, bench/) may reach into internals.
// - No import cycles, type-only imports included (local rule, see scripts/eslint/no-import-cycle.js).
// - typescript-eslint's `recommended` rules (those without type information).
// - Sizes: no file over 400 lines; no function over 80 lines in src/ without an
//   `// eslint-disable-next-line max-lines-per-function -- <why>` comment.
import { readdirSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';

// TypeScript 7, the build's compiler, has no JavaScript API, and typescript-eslint's parser
// needs one (typescript >=4.8.4 <6.1.0). The package name `typescript` must stay TS 7 (it
// provides `tsc`), so TS 5.9 is installed beside it as `typescript-5.9`, and inside this lint
// process every `require('typescript')` made from a package in node_modules gets TS 5.9.
// package.json's override `"typescript": "$typescript"` only quiets npm's peer-range check.
const require = createRequire(import.meta.url);
const typescriptApi = require.resolve('typescript-5.9');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveTypescriptApi(request, parent, ...rest) {
  const fromPackage = parent?.filename?.includes("/node_modules/") ?? false;
  if (fromPackage && request === 'typescript') return typescriptApi;
  if (fromPackage && request.startsWith('typescript/')) {
    return resolveFilename.call(this, `typescript-5.9/${request.slice('typescript/'.length)}`, parent, ...rest);
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
const { default: tseslint } = await import('typescript-eslint');
const { default: importX } = await import('eslint-plugin-import-x');
const { createTypeScriptImportResolver } = await import('eslint-import-resolver-typescript');
const { default: noImportCycle } = await import('./scripts/eslint/no-import-cycle.js');

const root = import.meta.dirname;
const domains = readdirSync(join(root, 'src'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** Which domains may import an adapter at all. */
const adapters = { cli: ['cli'], http: ['cli', 'http'] };
const mayImport = (domain, other) => !(other in adapters) || adapters[other].includes(domain);

const adapterZones = Object.entries(adapters).flatMap(([adapter, allowed]) =>
  ['index.ts', ...domains]
    .filter((target) => !allowed.includes(target))
    .map((target) => ({
      target: `./src/${target}`,
      from: `./src/${adapter}`,
      message: `Only ${allowed.map((name) => `src/${name}/`).join(' and ')} may import the ${adapter} adapter (src/${adapter}/).`,
    })),
);

const indexOnlyZones = ['index.ts', ...domains].flatMap((target) =>
  domains
    .filter((other) => other !== target && mayImport(target, other))
    .map((other) => ({
      target: `./src/${target}`,
      from: `./src/${other}`,
      except: ['./index.ts'],
      message: `Import another domain through its index: '../${other}/index.js', not a file inside src/${other}/.`,
    })),
);

const restrictedPaths = (zones) => ['error', { basePath: root, zones }];

export default [
  { ignores: ['dist/', 'node_modules/', 'docs/', 'examples/', '**/*.d.ts'] },
  // typescript-eslint's recommended rules that need no type information.
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX, sluice: { rules: { 'no-import-cycle': noImportCycle } } },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: join(root, 'tsconfig.json') })],
    },
    rules: {
      'sluice/no-import-cycle': 'error',
      // tsc checks unused names already (noUnusedLocals, noUnusedParameters), with TypeScript's own exceptions.
      '@typescript-eslint/no-unused-vars': 'off',
      // A `let` assigned after a callback that reads it is installed (a server started after its message handler) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests read the JSON bodies of the system under test loosely and assert their shape.
    files: ['test/**/*.ts', 'src/**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': restrictedPaths(adapterZones) },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': restrictedPaths([...adapterZones, ...indexOnlyZones]),
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
];
