import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readConfig, type Environment } from '../../src/config.js';
import type { UserRole } from '../../src/domain/users/users.js';
import { createPlatform, type Platform, type PlatformOptions } from '../../src/main.js';
import { createPostgresDatabase } from '../../test/helpers/database.js';

/**
 * What the web benchmarks (bench/web*.ts) share: the real platform (createPlatform, as `vudumobile
 * serve` builds it) on a loopback port over a throw-away database, a user signed in through the form,
 * and the server time of pages read from `Server-Timing: app;dur=` (onRequest → onSend of the web app:
 * session lookup, queries and rendering, not the network or this client).
 */

export interface WebBench {
  readonly platform: Platform;
  /** The temporary data directory (and the SQLite file's). */
  readonly dir: string;
  readonly dialect: Platform['store']['dialect'];
  /** Stops the platform, drops the PostgreSQL database and removes the directory. */
  close(): Promise<void>;
}

export interface WebBenchOptions {
  /** A new database on TEST_DATABASE_URL's (or BENCH_DATABASE_URL's) server; default: `--pg` given. */
  readonly usePg?: boolean;
  /** Environment for readConfig beside DATABASE_URL (e.g. the sandbox carrier's receipt delay). */
  readonly env?: Environment;
  readonly platformOptions?: Omit<PlatformOptions, 'log'>;
  readonly logLevel?: pino.Level;
}

/** Opens the platform of benchmark `name` (used in the directory's and the database's names). */
export async function openWebBench(name: string, options: WebBenchOptions = {}): Promise<WebBench> {
  const dir = await mkdtemp(join(tmpdir(), `vudumobile-bench-${name}-`));
  let dropDatabase = async () => {};
  const cleanUp = async () => {
    await dropDatabase();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    let databaseUrl = `sqlite:${join(dir, `${name}.db`)}`;
    if (options.usePg ?? process.argv.includes('--pg')) {
      const admin = process.env.TEST_DATABASE_URL ?? process.env.BENCH_DATABASE_URL;
      if (!admin) throw new Error('--pg needs TEST_DATABASE_URL (postgres://user@host:port/db)');
      const database = await createPostgresDatabase(admin, `vudumobile_bench_${name.replaceAll('-', '_')}`);
      databaseUrl = database.url;
      dropDatabase = database.drop;
    }
    const config = readConfig(
      { ...options.env, DATABASE_URL: databaseUrl },
      { port: 0, host: '127.0.0.1', dataDir: dir, publicUrl: 'http://127.0.0.1' },
    );
    const platform = await createPlatform(config, {
      ...options.platformOptions,
      log: pino({ level: options.logLevel ?? 'warn' }),
    });
    const close = async () => {
      await platform.stop();
      await cleanUp();
    };
    return { platform, dir, dialect: platform.store.dialect, close };
  } catch (error) {
    // Nothing to hand back, so nobody else would drop the database or remove the directory.
    await cleanUp();
    throw error;
  }
}

const PASSWORD = 'a bench password of some length';

/** Invites a user to the account, sets its password and signs it in: the Cookie header to send. */
export async function signInNewUser(
  platform: Platform,
  base: string,
  accountId: number,
  user: { email: string; name: string; role: UserRole },
): Promise<string> {
  const { token } = await platform.ctx.users.invite(accountId, { ...user, language: 'fr' });
  await platform.ctx.users.setPasswordWithToken(token, PASSWORD);
  return signInCookie(base, user.email, PASSWORD);
}

/** Signs in through the form (CSRF cookie and field first) and returns the Cookie header to send. */
export async function signInCookie(base: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const csrfCookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const answer = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  });
  const session = answer.headers.getSetCookie().find((c) => c.startsWith('vm_session='));
  if (answer.status !== 303 || !session) throw new Error(`sign-in failed: ${answer.status}`);
  return session.split(';')[0] ?? '';
}

/**
 * A page to time: its label, the path of the k-th request (a case rotates through values and
 * positions, so one cached answer does not stand for all) and what the right page's body holds.
 */
export type WebCase = readonly [label: string, path: (k: number) => string, expect?: RegExp];

/**
 * Sends `requests` GETs of a case one at a time and returns their server times (ms), sorted. An
 * answer without Server-Timing is an error, or with `wallWhenUntimed` (JSON has none) counts the
 * wall time of the request instead. Redirects are not followed: a lost session fails the run.
 */
export async function serverTimes(
  base: string,
  cookie: string,
  [label, path, expect]: WebCase,
  requests: number,
  { wallWhenUntimed = false } = {},
): Promise<number[]> {
  const times: number[] = [];
  for (let k = 0; k < requests; k++) {
    const started = performance.now();
    const response = await fetch(`${base}${path(k)}`, { headers: { cookie }, redirect: 'manual' });
    const body = await response.text();
    const wall = performance.now() - started;
    if (response.status !== 200 || (expect && !expect.test(body))) {
      throw new Error(
        `${label}: ${path(k)} answered ${response.status}${expect ? ` without ${expect}` : ''}`,
      );
    }
    const timing = /app;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1];
    if (!timing && !wallWhenUntimed) throw new Error(`${label}: no Server-Timing header`);
    times.push(timing ? Number(timing) : wall);
  }
  return times.sort((a, b) => a - b);
}

/** The q-quantile of sorted times (nearest rank). */
export function quantile(times: readonly number[], q: number): number {
  return times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? 0;
}

/** The column titles of `timingRow`. */
export function timingHeading(labelWidth: number): string {
  return `${'case'.padEnd(labelWidth)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}`;
}

/** One case's line: label, p50, p95 and max of its sorted times. */
export function timingRow(label: string, times: readonly number[], labelWidth: number): string {
  const max = times[times.length - 1] ?? 0;
  return (
    `${label.padEnd(labelWidth)} ${quantile(times, 0.5).toFixed(1).padStart(7)} ` +
    `${quantile(times, 0.95).toFixed(1).padStart(7)} ${max.toFixed(1).padStart(7)}`
  );
}

/**
 * Times every case (`serverTimes`) and prints a table of p50 / p95 / max and whether p95 is under
 * the target; resolves with whether every case's was.
 */
export async function timeServerCases(
  base: string,
  cookie: string,
  cases: readonly WebCase[],
  { requests, targetMs, labelWidth = 32 }: { requests: number; targetMs: number; labelWidth?: number },
): Promise<boolean> {
  console.log(`\n${requests} sequential requests per case, server time from Server-Timing (ms):`);
  console.log(`${timingHeading(labelWidth)}  p95 < ${targetMs} ms`);
  let allMet = true;
  for (const webCase of cases) {
    const times = await serverTimes(base, cookie, webCase, requests);
    const met = quantile(times, 0.95) < targetMs;
    allMet &&= met;
    console.log(`${timingRow(webCase[0], times, labelWidth)}  ${met ? 'yes' : 'NO'}`);
  }
  return allMet;
}
