/**
 * An HTTP load generator, run in its own process so it does not share the server's event loop.
 * Closed loop (default): `connections` keep-alive connections, each sending its next request when
 * the previous answer arrived, for `seconds`. Open loop (`ratePerSecond`): one request every
 * 1/rate s whatever the answers, as independent clients do, so a slow server shows in the latencies
 * rather than in a lower rate. Stops early on SIGTERM. Prints one JSON line: requests, errors,
 * non-200s, req/s, latencies.
 *
 * Usage: node --import tsx bench/lib/load-generator.ts < spec.json   (a LoadSpec on standard input)
 */
import http from 'node:http';
import { requestStatus } from './http-status.js';

export interface LoadSpec {
  url: string;
  /** Several servers (API processes) used round-robin instead of `url`. */
  urls?: string[];
  /** Open loop at this steady rate instead of the closed loop. */
  ratePerSecond?: number;
  /** Form bodies to POST, used round-robin (e.g. a different number per request). */
  bodies: string[];
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** Requests to send before measuring (warm-up). */
  warmup?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  non200: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** The ten slowest requests: [seconds after the start when sent, latency ms], to see when they happened. */
  slowest: [number, number][];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

let stopped = false;

async function run(spec: LoadSpec): Promise<LoadResult> {
  const urls = (spec.urls ?? [spec.url]).map((u) => new URL(u));
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  let next = 0;
  const send = (): Promise<number> => {
    const url = urls[next % urls.length] ?? new URL(spec.url);
    const form = spec.bodies[next++ % spec.bodies.length] ?? '';
    return requestStatus(agent, url, { method: 'POST', path: url.pathname, headers: spec.headers, form });
  };

  for (let i = 0; i < (spec.warmup ?? 0); i += spec.connections) {
    await Promise.all(Array.from({ length: spec.connections }, send));
  }
  const latencies: number[] = [];
  const slowest: [number, number][] = [];
  let errors = 0;
  let non200 = 0;
  const started = performance.now();
  const deadline = started + spec.seconds * 1000;
  const timed = async (): Promise<void> => {
    const t0 = performance.now();
    const status = await send();
    const latency = performance.now() - t0;
    latencies.push(latency);
    if (slowest.length < 10 || latency > (slowest[slowest.length - 1]?.[1] ?? 0)) {
      slowest.push([Number(((t0 - started) / 1000).toFixed(2)), Number(latency.toFixed(1))]);
      slowest.sort((a, b) => b[1] - a[1]);
      slowest.length = Math.min(slowest.length, 10);
    }
    if (status === -1) errors++;
    else if (status !== 200) non200++;
  };
  if (spec.ratePerSecond) {
    const interval = 1000 / spec.ratePerSecond;
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; !stopped && performance.now() < deadline; i++) {
      const wait = started + i * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const request = timed().finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await Promise.all(inFlight);
  } else {
    await Promise.all(
      Array.from({ length: spec.connections }, async () => {
        while (!stopped && performance.now() < deadline) await timed();
      }),
    );
  }
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    non200,
    seconds: Number(elapsed.toFixed(2)),
    perSecond: Math.round(latencies.length / elapsed),
    p50: Number(percentile(sorted, 50).toFixed(2)),
    p90: Number(percentile(sorted, 90).toFixed(2)),
    p99: Number(percentile(sorted, 99).toFixed(2)),
    max: Number((sorted[sorted.length - 1] ?? 0).toFixed(2)),
    slowest,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  process.on('SIGTERM', () => {
    stopped = true;
  });
  // The spec comes on stdin: thousands of bodies exceed what one command-line argument may hold.
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadSpec;
  if (spec.ratePerSecond) process.stdout.write('ready\n'); // startLoad() waits for it
  process.stdout.write(`${JSON.stringify(await run(spec))}\n`);
}
