import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-generator.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LOAD_GENERATOR = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

/** Benchmarks run the compiled server, as production does. */
export function buildOnce(): void {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

export interface RunningServer {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts `node dist/cli/program.js serve` on a free port; resolves once it listens. */
export function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(process.execPath, ['dist/cli/program.js', 'serve', '--port', '0'], {
    cwd: ROOT,
    // DEFAULT_SENDER: the first-run account's number (an account without one can send no SMS).
    env: { ...process.env, LOG_LEVEL: 'info', DEFAULT_SENDER: '15149541234', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve({
          child,
          url: match[1],
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
}

/** Runs the load generator in its own process and returns its figures. */
export function runLoad(spec: LoadSpec): LoadResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', LOAD_GENERATOR], {
    cwd: ROOT,
    input: JSON.stringify(spec),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`load generator failed: ${result.error?.message ?? result.stderr}`);
  return JSON.parse(result.stdout) as LoadResult;
}

/** A load generator running in its own process until stop() (SIGTERM), which resolves with its figures. */
export interface RunningLoad {
  stop(): Promise<LoadResult>;
}

/** Starts an open-loop load (`ratePerSecond` set); resolves once the generator sends. */
export async function startLoad(spec: LoadSpec & { ratePerSecond: number }): Promise<RunningLoad> {
  const child = spawn(process.execPath, ['--import', 'tsx', LOAD_GENERATOR], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stdin?.end(JSON.stringify(spec));
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (output.startsWith('ready\n')) resolve();
      else setTimeout(check, 20);
    };
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
    check();
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`load generator exited with ${code}`);
      return JSON.parse(output.slice('ready\n'.length)) as LoadResult;
    },
  };
}

/** Peak resident memory of a process so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
