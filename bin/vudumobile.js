#!/usr/bin/env node
// Runs the compiled CLI. `npm ci` builds dist/ in its `prepare` step, so no manual step is needed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/program.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('vudumobile: dist/ is missing; run `npm ci` (or `npm run build`) first');
  process.exit(1);
}
await import(compiled);
