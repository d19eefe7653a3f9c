/**
 * The floor of any Node server's share in bench:vs-kannel: Node's own HTTP server reading the same
 * `POST /api/send` form, parsing it and answering a small JSON — no validation, no store, no SMPP.
 * What it costs per request is what the project would cost if everything else it does were free.
 * Prints its port on standard output.
 *
 * Usage: node bench/lib/bare-http-server.ts   (via tsx)
 */
import http from 'node:http';

let next = 0;
const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const body = JSON.stringify({ status: true, id: String(++next), to: form.get('to') });
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
