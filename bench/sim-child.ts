/**
 * Runs `vudumobile smsc-sim` in a child process (so the simulator has its own core) and reads its
 * JSON lines: the port it listens on, and its counts when stopped.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface SimChild {
  port: number;
  /** SIGTERM; resolves with the simulator's counts. */
  stop(): Promise<Record<string, number>>;
}

export async function startSimChild(args: string[] = []): Promise<SimChild> {
  const cli = fileURLToPath(new URL('../src/cli/program.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cli, '--json', 'smsc-sim', '--port', '0', '--receipt-delay', '0', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const events: Array<Record<string, unknown>> = [];
  let notify: () => void = () => undefined;
  lines.on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>);
    notify();
  });
  const next = async (event: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const found = events.find((e) => e.event === event);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`smsc-sim exited (${child.exitCode}) before "${event}"`);
      await new Promise<void>((resolve) => {
        notify = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  const listening = await next('listening');
  return {
    port: Number(listening.port),
    async stop() {
      child.kill('SIGTERM');
      const stopped = await next('stopped');
      return stopped.stats as Record<string, number>;
    },
  };
}

/** The message count: first CLI argument, else 100,000. */
export function messageCount(): number {
  const count = Number(process.argv[2] ?? '100000');
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new Error('count: 1 to 1000000');
  return count;
}
