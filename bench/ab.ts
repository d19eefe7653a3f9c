/**
 * npm run bench:ab — before/after: the same benchmarks on another revision and on this working tree,
 * alternated run by run (A B, then B A, …) so that the machine's load, which moves 2–3× from one hour
 * to the next here, falls on both sides alike. Prints each run's headline figures, then per figure the
 * medians of both sides and the change.
 *
 *   npm run bench:ab -- --base eafaca4                       # send, smpp, broadcast, contacts-import; 2 rounds
 *   npm run bench:ab -- --base main~3 --benches send --rounds 5
 *
 * The base revision is checked out in a temporary git worktree (its node_modules linked when its
 * package-lock.json is this one's, else installed with `npm ci`) and built; both sides run their own
 * `npm run bench:<name>` with one run per round (BENCH_RUNS=1, `--runs 1`). Loopback only, bounded by
 * the rounds and each benchmark's own limits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/harness.js';
import { median, table } from './lib/server-process.js';

interface Figure {
  readonly name: string;
  /** Reads the figure from the benchmark's output. */
  readonly pattern: RegExp;
  readonly better: 'higher' | 'lower';
}

/** The benchmarks issue #10 compares, and the figures read from each one's output. */
const BENCHES: Record<string, { args: string[]; figures: Figure[] }> = {
  send: {
    args: [],
    figures: [
      { name: 'send --role api req/s', pattern: /^\s*api\s+([\d.]+)/m, better: 'higher' },
      { name: 'send --role api p99 ms', pattern: /^\s*api\s+[\d.]+\s+[\d.]+\s+([\d.]+)/m, better: 'lower' },
      { name: 'send --role all req/s', pattern: /^\s*all\s+([\d.]+)/m, better: 'higher' },
      { name: 'send --role all p99 ms', pattern: /^\s*all\s+[\d.]+\s+[\d.]+\s+([\d.]+)/m, better: 'lower' },
    ],
  },
  smpp: {
    args: [],
    figures: [
      { name: 'smpp platform msg/s', pattern: /median: platform (\d+) msg\/s/, better: 'higher' },
      { name: 'smpp raw client msg/s', pattern: /raw smpp client (\d+) msg\/s/, better: 'higher' },
    ],
  },
  broadcast: {
    args: ['--', '--runs', '1'],
    figures: [
      { name: 'broadcast start→all accepted s', pattern: /start → all accepted ([\d.]+) s/, better: 'lower' },
      { name: 'broadcast send p99 ms', pattern: /run 1:.* p99 ([\d.]+) ms/, better: 'lower' },
    ],
  },
  'contacts-import': {
    args: [],
    figures: [
      { name: 'import 1M rows s', pattern: /median of \d+: elapsed ([\d.]+) s/, better: 'lower' },
      { name: 'import peak RSS MB', pattern: /median of \d+: .* peak RSS (\d+) MB/, better: 'lower' },
    ],
  },
};

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    benches: { type: 'string', default: 'send,smpp,broadcast,contacts-import' },
    rounds: { type: 'string', default: '2' },
  },
});
if (!values.base) throw new Error('--base REV: the revision to compare this working tree with');
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error('--rounds: 1..10');
const benches = values.benches.split(',');
for (const name of benches) if (!BENCHES[name]) throw new Error(`unknown benchmark ${name}`);

/**
 * Runs a command and returns its output. A benchmark that misses its own target exits non-zero but
 * still prints its figures (`checked: false`): the figures are what is compared here.
 */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  checked = true,
): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (checked && result.status !== 0) {
    process.stdout.write(result.stdout + result.stderr);
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`);
  }
  return result.stdout;
}

/**
 * Whether this tree's node_modules holds every package of `dir`'s lock file at the same version, so
 * the base can use it instead of installing again — which here means compiling better-sqlite3.
 */
function installedCovers(dir: string): boolean {
  type Lock = { packages: Record<string, { version?: string; optional?: boolean }> };
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as Lock;
  const installedVersion = (path: string): string | undefined => {
    const manifest = join(ROOT, path, 'package.json');
    if (!existsSync(manifest)) return undefined;
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  };
  return Object.entries(lock.packages).every(
    // Optional packages are other platforms' builds (esbuild's), never installed here.
    ([path, entry]) => path === '' || entry.optional === true || installedVersion(path) === entry.version,
  );
}

const step = (line: string): void => void process.stderr.write(`bench:ab: ${line}\n`);

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const baseDir = join(mkdtempSync(join(tmpdir(), 'vudumobile-ab-')), 'base');
step(`checking out ${values.base} in ${baseDir}`);
run('git', ['worktree', 'add', '--detach', baseDir, values.base], ROOT);
try {
  if (installedCovers(baseDir)) {
    symlinkSync(join(ROOT, 'node_modules'), join(baseDir, 'node_modules'));
  } else {
    run('npm', ['ci', '--silent'], baseDir);
  }
  step('building both sides');
  for (const dir of [baseDir, ROOT]) run('npm', ['run', 'build', '--silent'], dir);
  const sides = { base: baseDir, head: ROOT };
  const found = new Map<string, { base: number[]; head: number[] }>();
  console.log(`bench:ab — base ${values.base} vs this tree; ${rounds} round(s) of ${benches.join(', ')}`);
  for (let round = 1; round <= rounds; round++) {
    const order: (keyof typeof sides)[] = round % 2 === 1 ? ['base', 'head'] : ['head', 'base'];
    for (const name of benches) {
      const bench = BENCHES[name];
      if (!bench) continue;
      for (const side of order) {
        const load = loadAverage();
        step(`round ${round}: ${name} on ${side}`);
        const output = run(
          'npm',
          ['run', '-s', `bench:${name}`, ...bench.args],
          sides[side],
          { BENCH_RUNS: '1' },
          false,
        );
        const figures = bench.figures.map((figure) => {
          const match = figure.pattern.exec(output);
          if (!match?.[1])
            throw new Error(`${name} on ${side}: no "${figure.name}" in its output:\n${output}`);
          const value = Number(match[1]);
          const entry = found.get(figure.name) ?? { base: [], head: [] };
          entry[side].push(value);
          found.set(figure.name, entry);
          return `${figure.name} ${value}`;
        });
        console.log(`round ${round} ${side.padEnd(4)} ${name}: ${figures.join(' | ')} (load ${load})`);
      }
    }
  }
  const rows: (string | number)[][] = [['figure', 'base (median)', 'head (median)', 'change', 'better']];
  for (const name of benches) {
    for (const figure of BENCHES[name]?.figures ?? []) {
      const entry = found.get(figure.name);
      if (!entry) continue;
      const base = median(entry.base);
      const head = median(entry.head);
      const change = ((head - base) / base) * 100;
      rows.push([figure.name, base, head, `${change >= 0 ? '+' : ''}${change.toFixed(1)} %`, figure.better]);
    }
  }
  console.log(`\n${table(rows)}`);
} finally {
  run('git', ['worktree', 'remove', '--force', baseDir], ROOT);
  rmSync(join(baseDir, '..'), { recursive: true, force: true });
}
