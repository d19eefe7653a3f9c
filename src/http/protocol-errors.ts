import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  expectationUnsupported,
  hostHeaderRequired,
  malformedRequest,
  malformedUrl,
  methodNotAllowed,
  requestBodyTooLarge,
  requestHeadersTooLarge,
  requestTimeout,
  unknownEndpoint,
  type DomainError,
} from '../domain/errors.js';
import { ALLOWED_METHODS, ERROR_STATUS, type NotFoundPage } from './errors.js';

/**
 * Answers for requests refused below the API: by Node's HTTP parser (`clientError`), by its CONNECT
 * and `Expect` handling, and by Fastify's router (`frameworkErrors`). Left alone, each gets Node's or
 * Fastify's own body (naming internal codes such as FST_ERR_BAD_URL) or no answer at all; here each
 * gets the contract's `{"status": false, "error": …}` with a status chosen in `ERROR_STATUS`.
 */

function errorBody(refusal: DomainError): string {
  return JSON.stringify({ status: false, error: refusal.message });
}

/**
 * Writes one whole HTTP/1.1 answer on a socket the HTTP layer no longer reads, and closes it: after a
 * parse error, the bytes that follow cannot be trusted to start a new request.
 */
function answerOnSocket(
  socket: Duplex,
  refusal: DomainError,
  headers: Record<string, string> = {},
  headOnly = false,
): void {
  const status = ERROR_STATUS[refusal.id];
  const body = errorBody(refusal);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  // A HEAD's answer has the headers of the GET's but no body (RFC 9110 §9.3.2).
  socket.end(`${head.join('\r\n')}\r\n\r\n${headOnly ? '' : body}`);
}

/**
 * The answer of an earlier request on this keep-alive socket that is not yet fully written: the
 * parser reads pipelined requests ahead, so it can refuse the next one before the earlier answer is
 * out. Writing now would put the refusal in that answer's place (or in its middle).
 */
function answerInFlight(socket: Duplex): ServerResponse | undefined {
  // `_httpMessage` is Node's in-flight ServerResponse of the socket; it has no public accessor.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  return inFlight && !inFlight.writableFinished ? inFlight : undefined;
}

/** The refused request was a HEAD (its first bytes, as the parser kept them). */
function refusedHead(error: Error & { rawPacket?: unknown }): boolean {
  const raw = error.rawPacket;
  return Buffer.isBuffer(raw) && raw.subarray(0, 5).toString('latin1') === 'HEAD ';
}

/** A request line that starts with a word: a method the parser does not know, not random bytes. */
function looksLikeMethod(error: Error & { rawPacket?: unknown }): boolean {
  const raw = error.rawPacket;
  return Buffer.isBuffer(raw) && /^[A-Za-z_-]{1,20} /.test(raw.subarray(0, 24).toString('latin1'));
}

/** The refusal for one of Node's parser errors (llhttp `HPE_*` codes and the request timeout). */
function parserRefusal(error: Error & { code?: string; rawPacket?: unknown }): {
  refusal: DomainError;
  headers?: Record<string, string>;
} {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { refusal: requestHeadersTooLarge() };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADER_TIMEOUT':
      return { refusal: requestTimeout() };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { refusal: requestBodyTooLarge() };
    case 'HPE_INVALID_METHOD':
      // A lowercase or unknown method; bytes that are no request line at all (TLS, binary) are a 400.
      if (looksLikeMethod(error)) return { refusal: methodNotAllowed(), headers: { Allow: ALLOWED_METHODS } };
      return { refusal: malformedRequest() };
    default:
      // NUL or spaces in the path, conflicting Content-Length and Transfer-Encoding, bad chunking…
      return { refusal: malformedRequest() };
  }
}

/** Fastify's `clientErrorHandler`: the answer to a request Node's parser refused. */
export function clientErrorAnswer(log: FastifyBaseLogger) {
  return (error: Error & { code?: string }, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    log.debug({ code: error.code }, 'HTTP request refused by the parser');
    const { refusal, headers } = parserRefusal(error);
    let answered = false;
    const answer = (): void => {
      if (answered) return;
      answered = true;
      if (socket.writable) answerOnSocket(socket, refusal, headers, refusedHead(error));
      else socket.destroy();
    };
    const earlier = answerInFlight(socket);
    if (earlier) {
      // Answered in order: once the earlier answer is written (or its socket is gone).
      earlier.once('finish', answer);
      earlier.once('close', answer);
    } else {
      answer();
    }
  };
}

/** Fastify's `frameworkErrors`: a path the router cannot decode, before any route or hook runs. */
export function routerErrorAnswer(pageNotFound: NotFoundPage | undefined, log: FastifyBaseLogger) {
  return (
    error: FastifyError,
    request: FastifyRequest,
    reply: FastifyReply,
  ): FastifyReply | Promise<FastifyReply> => {
    const api = request.url.startsWith('/api/');
    switch (error.code) {
      case 'FST_ERR_BAD_URL': {
        // A browser following a broken link sees the web app's page; an API client the contract's JSON.
        if (!api && pageNotFound) return pageNotFound(request, reply);
        const refusal = malformedUrl();
        return reply.code(ERROR_STATUS[refusal.id]).send({ status: false, error: refusal.message });
      }
      case 'FST_ERR_MAX_PARAM_LENGTH': {
        // No page or endpoint takes a path segment that long (router maxParamLength).
        if (!api && pageNotFound) return pageNotFound(request, reply);
        const refusal = unknownEndpoint();
        return reply.code(ERROR_STATUS[refusal.id]).send({ status: false, error: refusal.message });
      }
      default:
        log.error({ err: error, reqId: request.id }, 'unexpected router error');
        return reply.code(500).send({ status: false, error: `Internal error (request ${request.id})` });
    }
  };
}

/**
 * The answers the HTTP server gives itself, without Fastify: CONNECT (Node closes the socket unless
 * someone listens), an `Expect` other than 100-continue (Node's bare 417), and a request without the
 * Host header HTTP/1.1 requires (Node's check is turned off so the answer can carry the contract's body).
 */
export function installProtocolAnswers(app: FastifyInstance): void {
  const server: Server = app.server;
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    answerOnSocket(socket, methodNotAllowed(), { Allow: ALLOWED_METHODS });
  });
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const refusal = expectationUnsupported();
    const body = errorBody(refusal);
    response.writeHead(ERROR_STATUS[refusal.id], {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    response.end(body);
  });
  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) throw hostHeaderRequired();
  });
}
