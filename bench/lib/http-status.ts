import http from 'node:http';

/** One request of a load generator's, on its keep-alive agent; resolves to the status, -1 on error. */
export function requestStatus(
  agent: http.Agent,
  url: URL,
  request: {
    readonly method: 'GET' | 'POST';
    readonly path: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly form?: string;
  },
): Promise<number> {
  const body = request.form ?? '';
  const headers =
    request.form === undefined
      ? { ...request.headers }
      : {
          ...request.headers,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
        };
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: request.path, method: request.method, headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}
