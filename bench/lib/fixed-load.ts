/**
 * A fixed-count HTTP load generator, in its own process: `count` SMS sends over `connections`
 * keep-alive connections (closed loop), each to a different number, either as the project's
 * `POST /api/send` or as Kannel's `GET /cgi-bin/sendsms` with a per-message dlr-url. Prints one JSON
 * line: the wall-clock start and the time of the last answer (so the caller can time receipts
 * against the same clock), 2xx/other/error counts and the latencies.
 *
 * Usage: node --import tsx bench/lib/fixed-load.ts < spec.json   (a FixedLoadSpec on standard input)
 */
import http from 'node:http';
import { requestStatus } from './http-status.js';

export interface FixedLoadSpec {
  readonly target: 'project' | 'kannel';
  /** http://host:port of the server. */
  readonly base: string;
  /** The project's API key (target project). */
  readonly key?: string;
  /** Kannel's dlr-url prefix, e.g. http://127.0.0.1:PORT/dlr (target kannel). */
  readonly dlrUrl?: string;
  readonly count: number;
  readonly connections: number;
  /** The first recipient; request i goes to firstNumber + i. */
  readonly firstNumber: number;
}

export interface FixedLoadResult {
  /** Date.now() when the first request left and when the last answer arrived. */
  readonly startedAt: number;
  readonly lastAnswerAt: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function request(spec: FixedLoadSpec, agent: http.Agent, i: number): Promise<number> {
  const url = new URL(spec.base);
  const to = String(spec.firstNumber + i);
  const text = `Votre code est ${100000 + (i % 900000)}`;
  const kannel = spec.target === 'kannel';
  const body = kannel ? '' : new URLSearchParams({ to, message: text }).toString();
  const path = kannel
    ? `/cgi-bin/sendsms?${new URLSearchParams({
        username: 'bench',
        password: 'bench',
        from: '12345',
        to,
        text,
        'dlr-mask': '1',
        'dlr-url': `${spec.dlrUrl ?? ''}?status=%d&k=${i}`,
      }).toString()}`
    : '/api/send';
  return kannel
    ? requestStatus(agent, url, { method: 'GET', path })
    : requestStatus(agent, url, {
        method: 'POST',
        path,
        headers: { 'VUDUMOBILE-API-KEY': spec.key ?? '' },
        form: body,
      });
}

export async function runFixedLoad(spec: FixedLoadSpec): Promise<FixedLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const latencies = new Float64Array(spec.count);
  let next = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let lastAnswerAt = 0;
  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (next < spec.count) {
        const i = next++;
        const t0 = performance.now();
        const status = await request(spec, agent, i);
        latencies[i] = performance.now() - t0;
        lastAnswerAt = Date.now();
        if (status === -1) errors++;
        else if (status >= 200 && status < 300) ok++;
        else non2xx++;
      }
    }),
  );
  agent.destroy();
  latencies.sort();
  const at = (p: number): number =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(1));
  return { startedAt, lastAnswerAt, ok, non2xx, errors, p50: at(0.5), p99: at(0.99), max: at(1) };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FixedLoadSpec;
  process.stdout.write(`${JSON.stringify(await runFixedLoad(spec))}\n`);
}
