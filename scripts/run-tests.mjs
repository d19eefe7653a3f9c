// Runs every test file under test/ with node's own test runner, TypeScript loaded through tsx:
// once on SQLite, then once more on PostgreSQL when TEST_DATABASE_URL is set.
// (Node 20's --test takes no glob patterns, so the files are listed here.)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildWeb } from './build-web.mjs';

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const filter = process.argv.slice(2);
const files = findTests('test').filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// The composer's bundle is rebuilt from its sources first (esbuild, well under a second), so a test
// never runs against a bundle older than the segmenter it carries.
await buildWeb();

function runPass(store) {
  console.log(`\n=== test pass on ${store} ===\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
    {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'test', VUDUMOBILE_TEST_STORE: store },
    },
  );
  return result.status ?? 1;
}

// Browser tests need Debian's Chromium; without it they skip, and this line says so once.
const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path) => path && existsSync(path),
);
if (!chromium) console.log('Browser tests skipped: Chromium not found (apt-get install -y chromium).');

const only = process.env.VUDUMOBILE_TEST_STORE;
let status = 0;
if (only !== 'postgres') status = runPass('sqlite') || status;
if (process.env.TEST_DATABASE_URL) {
  if (only !== 'sqlite') status = runPass('postgres') || status;
} else {
  console.log(
    '\nPostgreSQL pass skipped: TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres).',
  );
}
process.exit(status);
