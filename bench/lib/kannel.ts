import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

/**
 * Kannel (Debian's `kannel` package: bearerbox + smsbox) for bench:vs-kannel, tuned as fairly as
 * ../shared/bench-kannel's reference configuration: SMPP window 100 (max-pending-submits), log level 2
 * (warnings), receipts kept in memory (dlr-storage internal), no store file — Kannel answers a
 * sendsms before anything is durable, where the project answers after the commit.
 */

const BEARERBOX = '/usr/sbin/bearerbox';
const SMSBOX = '/usr/sbin/smsbox';
export const KANNEL_PORTS = { admin: 13000, smsbox: 13001, sendsms: 13013 } as const;

/** Kannel is there, or installed now (as root), or the command to install it is printed (exit 1). */
export function ensureKannel(): void {
  if (spawnSync('sh', ['-c', 'command -v bearerbox || test -x /usr/sbin/bearerbox']).status === 0) return;
  const command = 'apt-get update && apt-get install -y kannel';
  if (process.getuid?.() !== 0) {
    console.error(`Kannel is not installed. Install it first (as root): ${command}`);
    process.exit(1);
  }
  console.error(`Kannel is missing; running: ${command}`);
  const result = spawnSync('sh', ['-c', command], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('apt-get install kannel failed');
    process.exit(1);
  }
}

function config(dir: string, smscPort: number): string {
  const p = KANNEL_PORTS;
  return `group = core
admin-port = ${p.admin}
admin-interface = 127.0.0.1
admin-password = bench
status-password = bench
admin-allow-ip = "127.0.0.1"
smsbox-port = ${p.smsbox}
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
log-file = "${dir}/bearerbox.log"
log-level = 2
dlr-storage = internal
sms-outgoing-queue-limit = -1
sms-incoming-queue-limit = -1

group = smsc
smsc = smpp
smsc-id = sim
host = 127.0.0.1
port = ${smscPort}
transceiver-mode = true
smsc-username = bench
smsc-password = bench
system-type = ""
max-pending-submits = 100
enquire-link-interval = 30
reconnect-delay = 1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${p.smsbox}
sendsms-port = ${p.sendsms}
sendsms-interface = 127.0.0.1
log-file = "${dir}/smsbox.log"
log-level = 2
max-pending-requests = 512

group = sendsms-user
username = bench
password = bench
default-sender = 12345
max-messages = 1
`;
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
}

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Kannel: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}

export interface RunningKannel {
  readonly sendsmsUrl: string;
  readonly bearerbox: ChildProcess;
  readonly smsbox: ChildProcess;
  stop(): Promise<void>;
}

/** bearerbox bound to the simulator, then smsbox connected; both in the foreground as children. */
export async function startKannel(dir: string, smscPort: number): Promise<RunningKannel> {
  for (const port of Object.values(KANNEL_PORTS)) {
    if ((await get(`http://127.0.0.1:${port}/`)).status !== 0)
      throw new Error(`port ${port} on 127.0.0.1 is busy (a Kannel left running?)`);
  }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'kannel.conf');
  writeFileSync(file, config(dir, smscPort));
  const status = async (): Promise<string> =>
    (await get(`http://127.0.0.1:${KANNEL_PORTS.admin}/status.txt?password=bench`)).body;
  const run = (bin: string): ChildProcess => spawn(bin, ['--verbosity', '3', file], { stdio: 'ignore' });
  const bearerbox = run(BEARERBOX);
  let smsbox: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (smsbox) await stopProcess(smsbox);
    await stopProcess(bearerbox);
  };
  try {
    await until('bearerbox bound', async () => /SMSC connections:[\s\S]*\(online/.test(await status()));
    smsbox = run(SMSBOX);
    const sendsmsUrl = `http://127.0.0.1:${KANNEL_PORTS.sendsms}`;
    await until('smsbox', async () => (await get(`${sendsmsUrl}/cgi-bin/sendsms`)).status >= 200);
    await until('smsbox on-line', async () => /smsbox:[^\n]*on-line/.test(await status()));
    return { sendsmsUrl, bearerbox, smsbox, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The dlr-url target: counts Kannel's receipt callbacks and notes the time of the last. */
export interface DlrCounter {
  readonly url: string;
  count(): number;
  lastAt(): number;
  close(): Promise<void>;
}

export async function startDlrCounter(): Promise<DlrCounter> {
  let count = 0;
  let lastAt = 0;
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/dlr')) {
      count++;
      lastAt = Date.now();
    }
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/dlr`,
    count: () => count,
    lastAt: () => lastAt,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
