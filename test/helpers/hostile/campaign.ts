import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import type { HostileRequest } from './requests.js';

/**
 * The hostile-input campaign's runner: draws request `i` of seed `s` from the generator (the same
 * request every time, so any finding is replayed with `--seed s --only i`), sends it over real HTTP
 * on a keep-alive agent, `concurrency` at a time, and checks each answer against the contract.
 */

export interface Violation {
  readonly index: number;
  readonly label: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly problem: string;
  readonly body: string;
}

export interface CampaignResult {
  readonly tried: number;
  readonly serverErrors: number;
  readonly shapeViolations: number;
  readonly noAnswer: number;
  /** The first violations found (at most 50), to print. */
  readonly violations: readonly Violation[];
  readonly statusCounts: ReadonlyMap<number, number>;
  readonly durationMs: number;
}

export interface CampaignOptions {
  readonly url: string;
  readonly seed: number;
  readonly requests: number;
  readonly concurrency: number;
  readonly generator: fc.Arbitrary<HostileRequest>;
  /** Replays only these request indices of the seed. */
  readonly only?: readonly number[];
  readonly onProgress?: (done: number) => void;
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

const REQUEST_TIMEOUT_MS = 60_000;

/** What must never reach a client: stack frames, source paths, internal codes, SQL errors. */
const LEAK =
  /\bat [^\n]*:\d+:\d+|\/work\/|\bsrc\/|\.ts:\d|node_modules|FST_|HPE_|\bERR_[A-Z_]{3,}|SQLITE_|SqliteError|kysely|syntax error|violates [a-z ]*constraint|duplicate key/i;

/** Request `index` of `seed`: one draw of the generator from a seed derived from both. */
export function drawRequest(
  generator: fc.Arbitrary<HostileRequest>,
  seed: number,
  index: number,
): HostileRequest {
  const [request] = fc.sample(generator, { seed: (Math.imul(seed, 0x9e3779b1) + index) | 0, numRuns: 1 });
  if (!request) throw new Error('the generator drew nothing');
  return request;
}

function send(agent: Agent, base: URL, request: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** The contract's rules for one answer; undefined when it keeps them. */
export function answerProblem(request: HostileRequest, answer: Answer): string | undefined {
  const text = answer.body.toString('utf8');
  if (answer.status >= 500) return `server error ${answer.status}`;
  if (request.method === 'HEAD') return undefined;
  const json = answer.contentType.startsWith('application/json');
  // The web platform answers its forms with pages and redirects; its errors must not leak either.
  if (request.web && !(json && answer.status >= 400)) return answer.status >= 400 ? leakIn(text) : undefined;
  if (answer.status >= 400) {
    if (!json) {
      // Only the web platform's own 404 page may answer a path outside /api/ (`//api/x`) in HTML.
      if (!request.path.startsWith('/api/') && answer.contentType.startsWith('text/html'))
        return leakIn(text);
      return `error answered as ${answer.contentType || 'no content type'}`;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return 'error body is not JSON';
    }
    const keys = body && typeof body === 'object' ? Object.keys(body).join(',') : '';
    const shaped = body as { status?: unknown; error?: unknown };
    if (
      keys !== 'status,error' ||
      shaped.status !== false ||
      typeof shaped.error !== 'string' ||
      !shaped.error
    ) {
      return 'error body is not {"status": false, "error": "…"}';
    }
    return leakIn(shaped.error);
  }
  if (json && answer.body.length > 0) {
    try {
      JSON.parse(text);
    } catch {
      return 'success body is not JSON';
    }
  }
  return undefined;
}

function leakIn(text: string): string | undefined {
  const leak = LEAK.exec(text);
  return leak ? `leaks "${leak[0]}"` : undefined;
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const base = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const indices = options.only ?? Array.from({ length: options.requests }, (_, i) => i);
  const violations: Violation[] = [];
  const statusCounts = new Map<number, number>();
  let serverErrors = 0;
  let shapeViolations = 0;
  let noAnswer = 0;
  let next = 0;
  let done = 0;
  const started = Date.now();
  const record = (violation: Violation): void => {
    if (violations.length < 50) violations.push(violation);
  };
  const worker = async (): Promise<void> => {
    for (let at = next++; at < indices.length; at = next++) {
      const index = indices[at] ?? 0;
      const request = drawRequest(options.generator, options.seed, index);
      const where = { index, label: request.label, path: request.path.slice(0, 120) };
      try {
        const answer = await send(agent, base, request);
        statusCounts.set(answer.status, (statusCounts.get(answer.status) ?? 0) + 1);
        const problem = answerProblem(request, answer);
        if (problem) {
          if (answer.status >= 500) serverErrors += 1;
          else shapeViolations += 1;
          record({
            ...where,
            status: answer.status,
            problem,
            body: answer.body.toString('utf8').slice(0, 300),
          });
        }
      } catch (error) {
        noAnswer += 1;
        record({ ...where, status: undefined, problem: `no answer: ${(error as Error).message}`, body: '' });
      }
      done += 1;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  return {
    tried: done,
    serverErrors,
    shapeViolations,
    noAnswer,
    violations,
    statusCounts,
    durationMs: Date.now() - started,
  };
}

/** The findings as lines to print, with what replays each. */
export function describeFindings(result: CampaignResult, seed: number): string {
  const lines = result.violations.map(
    (v) =>
      `#${v.index} ${v.label} ${v.path} → ${v.status ?? '-'}: ${v.problem} ${v.body ? `| ${v.body}` : ''}`,
  );
  return [`seed ${seed} (replay one: --seed ${seed} --only <index>)`, ...lines].join('\n');
}
