// Bundles the web composer (assets/web/composer.mjs) with the domain's SMS segmenter and adviser it
// imports (src/domain/sms/) into one small browser script, dist/web-assets/composer.js. Run by
// `npm run prepare` (hence during `npm ci`) and by scripts/run-tests.mjs before every test run, so
// neither production nor a test ever serves a bundle older than its sources; the server itself
// never builds (src/web/static-assets.ts only reads the file, and refuses to start without it).
import { build } from 'esbuild';

export const COMPOSER_BUNDLE = 'dist/web-assets/composer.js';

export async function buildWeb() {
  await build({
    entryPoints: ['assets/web/composer.mjs'],
    outfile: COMPOSER_BUNDLE,
    bundle: true,
    format: 'iife',
    minify: true,
    target: ['es2020'],
    platform: 'browser',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildWeb();
