#!/usr/bin/env node
// Regenerates the generated docs (run after `npm run build`): errors, metric names, built-in stages.
import { writeFileSync } from 'node:fs';
const write = (file, text) => {
  writeFileSync(new URL(`../docs/${file}`, import.meta.url), text);
  console.log(`docs/${file} updated`);
};
write('errors.md', await (await import('../dist/src/cli/error-docs.js')).renderErrorDocs());
write('metrics.md', (await import('../dist/src/evaluation/metric-names.js')).renderMetricDocs());
write('stages.md', (await import('../dist/src/pipeline/uses-docs.js')).renderUsesDocs());
