#!/usr/bin/env node
// Regenerates docs/metrics.md from the metric names in src/evaluation/metric-names.ts (run after `npm run build`).
import { writeFileSync } from 'node:fs';
const { renderMetricDocs } = await import('../dist/src/evaluation/metric-names.js');
writeFileSync(new URL('../docs/metrics.md', import.meta.url), renderMetricDocs());
console.log('docs/metrics.md updated');
