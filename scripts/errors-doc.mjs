#!/usr/bin/env node
// Regenerates docs/errors.md from the error catalogue (run after adding or changing an error).
import { writeFileSync } from 'node:fs';
const { renderErrorDocs } = await import('../dist/src/cli/error-docs.js');
writeFileSync(new URL('../docs/errors.md', import.meta.url), await renderErrorDocs());
console.log('docs/errors.md updated');
