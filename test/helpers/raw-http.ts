import { connect } from 'node:net';

/** One HTTP answer read off a raw socket, as a client that sent arbitrary bytes sees it. */
export interface RawAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
  body: string;
}

export interface RawExchange {
  answers: RawAnswer[];
  /** True when the server closed the connection (it ended its side) before the deadline. */
  closedByServer: boolean;
  /** Every byte the server wrote, as latin1 text. */
  raw: string;
}

/** Splits the bytes a server wrote into answers (Content-Length framed, as every answer here is). */
function parseAnswers(bytes: Buffer): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = bytes;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) return answers;
    const [statusLine = '', ...lines] = rest.subarray(0, headEnd).toString('latin1').split('\r\n');
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get('content-length') ?? 0);
    const bodyStart = headEnd + 4;
    if (rest.length < bodyStart + length) return answers;
    answers.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.subarray(bodyStart, bodyStart + length).toString('utf8'),
    });
    rest = rest.subarray(bodyStart + length);
  }
}

/**
 * Writes `bytes` on a new TCP connection to `url`'s host and port and reads until `expected` answers
 * are complete and, when `awaitClose`, the server has closed; gives up after `deadlineMs` (generous:
 * the wait ends as soon as the condition holds, the deadline only stops a test that would hang).
 */
export function rawExchange(
  url: string,
  bytes: string | Buffer,
  options: { expected?: number; awaitClose?: boolean; deadlineMs?: number } = {},
): Promise<RawExchange> {
  const { expected = 1, awaitClose = false, deadlineMs = 15_000 } = options;
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      resolve({ answers: parseAnswers(bytes), closedByServer, raw: bytes.toString('latin1') });
    };
    const timer = setTimeout(finish, deadlineMs);
    const check = (): void => {
      const complete = parseAnswers(Buffer.concat(chunks)).length >= expected;
      if (complete && (!awaitClose || closedByServer)) finish();
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      check();
    });
    socket.on('end', () => {
      closedByServer = true;
      check();
    });
    socket.on('close', finish);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A server that closes while we still write resets the socket: what it answered still counts.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
        closedByServer = true;
        finish();
      } else {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.write(bytes);
  });
}
