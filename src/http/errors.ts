import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../domain/errors.js';

const KNOWN_METHODS = new Set(['GET', 'POST', 'HEAD']);

/** Maps Fastify's own failures (by their stable codes) to the contract's statuses and texts. */
function transportFailure(error: FastifyError): ApiError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiError(413, 'Request body too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new ApiError(415, 'Unsupported content type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_PROTO_VIOLATION':
      return new ApiError(400, 'Invalid request body');
    default:
      break;
  }
  // Multipart (busboy) and other parsers report malformed input as a client error without a code.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    if (error.statusCode === 413) return new ApiError(413, 'Request body too large');
    if (error.statusCode === 415) return new ApiError(415, 'Unsupported content type');
    return new ApiError(400, 'Invalid request body');
  }
  // Busboy's malformed-multipart errors carry no code; their messages are stable.
  if (
    /^(Malformed part header|Unexpected end of (form|multipart data)|Multipart: Boundary not found)/.test(
      error.message,
    )
  ) {
    return new ApiError(400, 'Invalid request body');
  }
  return undefined;
}

/**
 * The one place errors become responses: documented failures keep their text; anything unexpected is
 * logged with the request id and the client sees a generic line, never a stack trace.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof ApiError ? error : transportFailure(error);
    if (known) {
      return reply.code(known.status).send({ status: false, error: known.message });
    }
    request.log.error({ err: error, reqId: request.id }, 'unexpected error');
    return reply.code(500).send({ status: false, error: `Internal error (request ${request.id})` });
  });

  app.setNotFoundHandler((request, reply) => {
    if (!KNOWN_METHODS.has(request.method)) {
      return reply
        .code(405)
        .header('allow', 'GET, POST')
        .send({ status: false, error: 'Method not allowed' });
    }
    return reply.code(404).send({ status: false, error: 'Unknown API endpoint' });
  });
}
