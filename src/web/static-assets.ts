import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

/**
 * The app's CSS and JavaScript, read once at start-up (no build at run time), gzipped once, and served
 * under a URL that carries their content hash so browsers may cache them for a year.
 */
export interface StaticAsset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
  readonly gzipped: Buffer;
  /** `/static/<name>?v=<hash>`: the URL pages link to. */
  readonly url: string;
}

const require = createRequire(import.meta.url);

function asset(name: string, type: string, body: Buffer): StaticAsset {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
  return { name, type, body, gzipped: gzipSync(body, { level: 9 }), url: `/static/${name}?v=${hash}` };
}

function own(name: string): Buffer {
  // assets/ sits at the repository's root; this file runs from src/web (tsx) or dist/web (built).
  return readFileSync(new URL(`../../assets/web/${name}`, import.meta.url));
}

/**
 * The composer's bundle (the domain's segmenter and adviser, bundled by scripts/build-web.mjs during
 * `npm ci` and before every test run). It is read like the other files, never built here: a missing
 * bundle stops the start-up with what to run, rather than serving pages whose counter is absent.
 */
function bundle(name: string): Buffer {
  const url = new URL(`../../dist/web-assets/${name}`, import.meta.url);
  try {
    return readFileSync(url);
  } catch {
    throw new Error(`${url.pathname} is missing: run \`npm run build:web\` (npm ci runs it)`);
  }
}

export function loadStaticAssets(): ReadonlyMap<string, StaticAsset> {
  const list = [
    asset('composer.js', 'text/javascript; charset=utf-8', bundle('composer.js')),
    asset('app.css', 'text/css; charset=utf-8', own('app.css')),
    asset('app.js', 'text/javascript; charset=utf-8', own('app.js')),
    asset('inbox.js', 'text/javascript; charset=utf-8', own('inbox.js')),
    // uPlot (the dashboard's chart), and the dashboard's script that draws it; only that page loads them.
    asset(
      'uPlot.iife.min.js',
      'text/javascript; charset=utf-8',
      readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')),
    ),
    asset(
      'uPlot.min.css',
      'text/css; charset=utf-8',
      readFileSync(require.resolve('uplot/dist/uPlot.min.css')),
    ),
    asset('dashboard.js', 'text/javascript; charset=utf-8', own('dashboard.js')),
  ];
  return new Map(list.map((a) => [a.name, a]));
}
