import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  DomainError,
  invalidRequestBody,
  methodNotAllowed,
  requestBodyTooLarge,
  unknownEndpoint,
  unsupportedContentType,
  type ErrorId,
} from '../domain/errors.js';

type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 408 | 409 | 413 | 415 | 417 | 429 | 431;

/**
 * The HTTP status of every catalogue error: the one place the API's codes are chosen (contract §1).
 * A Record, so an id added to the catalogue without a status here fails type-checking.
 */
export const ERROR_STATUS: Readonly<Record<ErrorId, ErrorStatus>> = {
  // Requests.
  invalid_request_body: 400,
  request_body_too_large: 413,
  unsupported_content_type: 415,
  invalid_utf8: 400,
  parameter_too_long: 400,
  parameter_contains_nul: 400,
  unknown_endpoint: 404,
  method_not_allowed: 405,
  malformed_request: 400,
  malformed_url: 400,
  host_header_required: 400,
  request_headers_too_large: 431,
  request_timeout: 408,
  expectation_unsupported: 417,
  // Authentication.
  api_key_missing: 401,
  invalid_api_key: 401,
  ip_not_allowed: 403,
  rate_limited: 429,
  sign_in_rate_limited: 429,
  bearer_token_required: 401,
  account_name_required: 400,
  account_name_too_long: 400,
  invalid_country: 400,
  sender_exists: 409,
  sender_taken: 409,
  invalid_allow_entry: 400,
  invalid_api_key_name: 400,
  // Shared parameters.
  missing_parameter: 400,
  invalid_phone_number: 400,
  invalid_email_address: 400,
  invalid_language: 400,
  not_a_whole_number: 400,
  out_of_range: 400,
  // Messages.
  message_too_long: 400,
  unknown_sender: 400,
  no_sender_number: 409,
  invalid_usage_period: 400,
  invalid_usage_date: 400,
  invalid_usage_range: 400,
  invalid_usage_by: 400,
  invalid_format: 400,
  recipient_blocked: 403,
  invalid_date: 400,
  invalid_timezone: 400,
  invalid_direction: 400,
  invalid_feed_limit: 400,
  email_parameters_missing: 400,
  invalid_email_format: 400,
  // Verification.
  invalid_verification_code: 400,
  request_id_used: 409,
  too_many_verifications: 429,
  verification_not_found: 404,
  verification_expired: 409,
  too_many_verification_checks: 429,
  // Contacts.
  contact_key_required: 400,
  contact_reference_required: 400,
  contact_not_found: 404,
  contact_number_exists: 409,
  contact_email_exists: 409,
  invalid_user_id: 400,
  invalid_contact_timezone: 400,
  // Groups.
  group_not_found: 404,
  group_does_not_exist: 404,
  group_exists: 409,
  system_group_not_modifiable: 409,
  system_group_not_deletable: 409,
  contact_and_group_required: 400,
  named_contact_not_found: 404,
  group_name_too_long: 400,
  // Imports.
  file_required: 400,
  report_email_not_a_user: 400,
  invalid_overwrite: 400,
  import_not_found: 404,
  csv_unreadable: 400,
  csv_wrong_delimiters: 400,
  csv_malformed: 400,
  // Broadcasts.
  invalid_broadcast: 400,
  broadcast_not_found: 404,
  broadcast_not_modifiable: 409,
  broadcast_already_started: 409,
  broadcast_no_recipients: 409,
  contact_and_broadcast_required: 400,
  launch_date_in_past: 400,
  // Webhooks.
  webhook_url_required: 400,
  webhook_url_invalid: 400,
  webhook_url_private: 400,
  webhook_events_invalid: 400,
  too_many_webhooks: 409,
  webhook_id_required: 400,
  webhook_not_found: 404,
  // Keywords and contests.
  keyword_variants_required: 400,
  invalid_keyword_variant: 400,
  keyword_variant_taken: 409,
  invalid_keyword_period: 400,
  invalid_reply_limit: 400,
  invalid_flag: 400,
  keyword_group_blocked: 400,
  keyword_id_required: 400,
  keyword_not_found: 404,
  keyword_not_contest: 409,
  keyword_no_entries_left: 409,
  // Users.
  sign_in_failed: 401,
  sign_in_throttled: 429,
  user_exists: 409,
  user_not_found: 404,
  invalid_token: 400,
  last_admin: 409,
  password_too_short: 400,
  password_too_long: 400,
  wrong_current_password: 400,
  user_name_too_long: 400,
  invalid_role: 400,
  invalid_consent_type: 400,
  consent_evidence_too_long: 400,
  suppression_reason_required: 400,
  number_not_suppressed: 404,
  number_already_suppressed: 409,
  casl_footer_not_gsm7: 400,
  invalid_commercial: 400,
};

/** Renders the 404 of a path outside the API (the web app's page). */
export type NotFoundPage = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

const KNOWN_METHODS = new Set(['GET', 'POST', 'HEAD']);
/** The `Allow` header of a 405: every endpoint answers GET and POST (HEAD comes with GET). */
export const ALLOWED_METHODS = 'GET, POST';

/** Maps Fastify's own failures (by their stable codes) to catalogue errors. */
function transportFailure(error: FastifyError): DomainError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return requestBodyTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return unsupportedContentType();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_PROTO_VIOLATION':
      return invalidRequestBody();
    default:
      break;
  }
  // Multipart (busboy) and other parsers report malformed input as a client error without a code.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    if (error.statusCode === 413) return requestBodyTooLarge();
    if (error.statusCode === 415) return unsupportedContentType();
    return invalidRequestBody();
  }
  // Busboy's malformed-multipart errors carry no code; their messages are stable.
  if (
    /^(Malformed part header|Unexpected end of (form|multipart data)|Multipart: Boundary not found)/.test(
      error.message,
    )
  ) {
    return invalidRequestBody();
  }
  return undefined;
}

function refuseMethod(reply: FastifyReply): FastifyReply {
  const refusal = methodNotAllowed();
  return reply
    .code(ERROR_STATUS[refusal.id])
    .header('allow', ALLOWED_METHODS)
    .send({ status: false, error: refusal.message });
}

/**
 * The one place errors become responses: documented failures keep their text; anything unexpected is
 * logged with the request id and the client sees a generic line, never a stack trace.
 */
export function installErrorHandling(app: FastifyInstance, pageNotFound?: NotFoundPage): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // A method no route takes (QUERY, PUT…) may fail its body parsing first; the method is the refusal.
    if (!KNOWN_METHODS.has(request.method)) return refuseMethod(reply);
    const known = error instanceof DomainError ? error : transportFailure(error);
    if (known) {
      return reply.code(ERROR_STATUS[known.id]).send({ status: false, error: known.message });
    }
    request.log.error({ err: error, reqId: request.id }, 'unexpected error');
    return reply.code(500).send({ status: false, error: `Internal error (request ${request.id})` });
  });

  app.setNotFoundHandler((request, reply) => {
    if (!KNOWN_METHODS.has(request.method)) return refuseMethod(reply);
    if (pageNotFound && !request.url.startsWith('/api/')) return pageNotFound(request, reply);
    const refusal = unknownEndpoint();
    return reply.code(ERROR_STATUS[refusal.id]).send({ status: false, error: refusal.message });
  });
}
