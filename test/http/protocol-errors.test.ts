import assert from 'node:assert/strict';
import { METHODS } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { rawExchange, type RawAnswer } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The contract's error shape, with nothing of the server's insides (internal codes, paths). */
function assertContractError(answer: RawAnswer | undefined, status: number, error: string): void {
  assert.ok(answer, 'the server answered');
  assert.equal(answer.status, status);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(JSON.parse(answer.body), { status: false, error });
  assert.doesNotMatch(answer.body, /FST_|HPE_|ERR_|\/work|src\//);
}

/** A request the parser refuses: answered in the contract's shape, then the connection is closed. */
async function refusedAndClosed(server: TestServer, bytes: string | Buffer, status: number, error: string) {
  const exchange = await rawExchange(server.url, bytes, { awaitClose: true });
  assertContractError(exchange.answers[0], status, error);
  assert.equal(exchange.answers[0]?.headers.get('connection'), 'close');
  assert.equal(exchange.closedByServer, true, 'the server closed the connection');
  return exchange.answers[0];
}

describe('answers below the API: requests the HTTP parser or the router refuses (issue #16 item 6)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('a lowercase method is a 405 with Allow, and the connection closes', async () => {
    const answer = await refusedAndClosed(
      server,
      'get /api/get_groups HTTP/1.1\r\nHost: x\r\n\r\n',
      405,
      'Method not allowed',
    );
    assert.equal(answer?.headers.get('allow'), 'GET, POST');
  });

  it('a method the parser does not know is a 405', async () => {
    await refusedAndClosed(server, 'FROB /api/send HTTP/1.1\r\nHost: x\r\n\r\n', 405, 'Method not allowed');
  });

  it('every method Node parses other than GET, POST, HEAD and CONNECT is a 405 in the contract shape', async () => {
    for (const method of METHODS.filter((m) => !['GET', 'POST', 'HEAD', 'CONNECT'].includes(m))) {
      const exchange = await rawExchange(
        server.url,
        `${method} /api/send HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`,
      );
      assertContractError(exchange.answers[0], 405, 'Method not allowed');
    }
  });

  it('CONNECT gets a 405 (it used to get a closed socket and no answer)', async () => {
    await refusedAndClosed(
      server,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
      405,
      'Method not allowed',
    );
  });

  it('a NUL byte in the path is a 400', async () => {
    await refusedAndClosed(
      server,
      'GET /api/se\0nd HTTP/1.1\r\nHost: x\r\n\r\n',
      400,
      'Malformed HTTP request',
    );
  });

  it('Content-Length with Transfer-Encoding (request smuggling) is a 400', async () => {
    await refusedAndClosed(
      server,
      'POST /api/send HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      'Malformed HTTP request',
    );
  });

  it('two different Content-Lengths are a 400', async () => {
    await refusedAndClosed(
      server,
      'POST /api/send HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
      400,
      'Malformed HTTP request',
    );
  });

  it('headers over 16 KB are a 431 with the documented text', async () => {
    await refusedAndClosed(
      server,
      `GET /api/get_groups HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'Request line and headers too large (16 KB at most)',
    );
  });

  it('a HEAD refused by the parser gets the headers of its answer and no body (found by the campaign)', async () => {
    const exchange = await rawExchange(
      server.url,
      `HEAD /api/send?message=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      { expected: 0, awaitClose: true },
    );
    assert.equal(exchange.closedByServer, true);
    assert.match(exchange.raw, /^HTTP\/1\.1 431 /);
    assert.match(exchange.raw, /\r\nContent-Length: 77\r\n/);
    assert.ok(exchange.raw.endsWith('\r\n\r\n'), `no body after the headers: ${exchange.raw}`);
  });

  it('bytes that are no HTTP at all (a TLS hello) are a 400', async () => {
    await refusedAndClosed(
      server,
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]),
      400,
      'Malformed HTTP request',
    );
  });

  it('an invalid %-escape in an API path is a 400 that names no internal code', async () => {
    const exchange = await rawExchange(server.url, 'GET /api/%zz HTTP/1.1\r\nHost: x\r\n\r\n');
    assertContractError(exchange.answers[0], 400, 'Malformed URL: invalid percent-encoding');
  });

  it('an invalid %-escape in a web page path keeps the web app’s own 404 page', async () => {
    const exchange = await rawExchange(server.url, 'GET /contacts/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(exchange.answers[0]?.status, 404);
    assert.match(exchange.answers[0]?.headers.get('content-type') ?? '', /^text\/html/);
    assert.doesNotMatch(exchange.answers[0]?.body ?? '', /FST_/);
  });

  it('an HTTP/1.1 request without Host is a 400 in the contract shape', async () => {
    const exchange = await rawExchange(server.url, 'GET /api/get_groups HTTP/1.1\r\n\r\n');
    assertContractError(exchange.answers[0], 400, 'The Host header is required');
  });

  it('an Expect other than 100-continue is a 417 in the contract shape', async () => {
    const exchange = await rawExchange(
      server.url,
      'POST /api/send HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 0\r\n\r\n',
    );
    assertContractError(exchange.answers[0], 417, 'Only Expect: 100-continue is supported');
  });

  it('a malformed request pipelined after a good one leaves the first answer whole', async () => {
    const exchange = await rawExchange(
      server.url,
      'GET /health HTTP/1.1\r\nHost: x\r\n\r\nget /api/send HTTP/1.1\r\nHost: x\r\n\r\n',
      { expected: 2, awaitClose: true },
    );
    assert.equal(exchange.answers[0]?.status, 200);
    assert.equal(JSON.parse(exchange.answers[0]?.body ?? '').status, true);
    assertContractError(exchange.answers[1], 405, 'Method not allowed');
  });

  it('still answers ordinary requests after all of the above', async () => {
    const response = await server.call('get_groups');
    assert.equal(response.status, 200);
    assert.equal(response.body.status, true);
  });
});
