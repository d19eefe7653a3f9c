import { MAX_PARTS } from './sms/segments.js';
import { PASSWORD_MAX, PASSWORD_MIN, USER_NAME_MAX } from './users/users.js';

/**
 * The error catalogue: every expected failure of the API, with a stable id and its contract text.
 *
 * Clients match the texts letter for letter (API-CONTRACT.md), so each is written here once and
 * nowhere else. The domain says *what* went wrong; the HTTP edge (src/http/errors.ts) alone decides
 * the status code of each id, and answers `{"status": false, "error": message}`. A new error is an id
 * in `ErrorId`, a factory below, and a status in that table (type-checked: a missing one fails `tsc`).
 */
export type ErrorId =
  // Requests: read by the HTTP edge before any service runs.
  | 'invalid_request_body'
  | 'request_body_too_large'
  | 'unsupported_content_type'
  | 'invalid_utf8'
  | 'parameter_too_long'
  | 'parameter_contains_nul'
  | 'unknown_endpoint'
  | 'method_not_allowed'
  // Requests refused below the API, by the HTTP parser or the router (never reach an endpoint).
  | 'malformed_request'
  | 'malformed_url'
  | 'host_header_required'
  | 'request_headers_too_large'
  | 'request_timeout'
  | 'expectation_unsupported'
  // Authentication (§2).
  | 'api_key_missing'
  | 'invalid_api_key'
  | 'ip_not_allowed'
  // Rate limits and quotas, and the operator's endpoints (SECURITY.md).
  | 'rate_limited'
  | 'sign_in_rate_limited'
  | 'bearer_token_required'
  // Account settings (the web platform's admins).
  | 'account_name_required'
  | 'account_name_too_long'
  | 'invalid_country'
  | 'sender_exists'
  | 'sender_taken'
  // API keys as an account manages them (the Developers page).
  | 'invalid_allow_entry'
  | 'invalid_api_key_name'
  // Parameters shared by several endpoints.
  | 'missing_parameter'
  | 'invalid_phone_number'
  | 'invalid_email_address'
  | 'invalid_language'
  | 'not_a_whole_number'
  | 'out_of_range'
  // Messages: send, get_feed, send_email (§3.1–3.3).
  | 'message_too_long'
  | 'unknown_sender'
  | 'no_sender_number'
  // get_usage (extension).
  | 'invalid_usage_period'
  | 'invalid_usage_date'
  | 'invalid_usage_range'
  | 'invalid_usage_by'
  | 'invalid_format'
  | 'recipient_blocked'
  | 'invalid_date'
  | 'invalid_timezone'
  | 'invalid_direction'
  | 'invalid_feed_limit'
  | 'email_parameters_missing'
  | 'invalid_email_format'
  // Verification (§3.4).
  | 'invalid_verification_code'
  | 'request_id_used'
  | 'too_many_verifications'
  // check_verification, get_verification (extensions).
  | 'verification_not_found'
  | 'verification_expired'
  | 'too_many_verification_checks'
  // Contacts (§4).
  | 'contact_key_required'
  | 'contact_reference_required'
  | 'contact_not_found'
  | 'contact_number_exists'
  | 'contact_email_exists'
  | 'invalid_user_id'
  | 'invalid_contact_timezone'
  // Groups (§5), and a contact named by a group or broadcast operation.
  | 'group_not_found'
  | 'group_does_not_exist'
  | 'group_exists'
  | 'system_group_not_modifiable'
  | 'system_group_not_deletable'
  | 'contact_and_group_required'
  | 'named_contact_not_found'
  | 'group_name_too_long'
  // Imports (§4.4 and get_import).
  | 'file_required'
  | 'report_email_not_a_user'
  | 'invalid_overwrite'
  | 'import_not_found'
  | 'csv_unreadable'
  | 'csv_wrong_delimiters'
  | 'csv_malformed'
  // Broadcasts (§7).
  | 'invalid_broadcast'
  | 'broadcast_not_found'
  | 'broadcast_not_modifiable'
  | 'broadcast_already_started'
  | 'broadcast_no_recipients'
  | 'contact_and_broadcast_required'
  | 'launch_date_in_past'
  // Webhooks (§8).
  | 'webhook_url_required'
  | 'webhook_url_invalid'
  | 'webhook_url_private'
  | 'webhook_events_invalid'
  | 'too_many_webhooks'
  | 'webhook_id_required'
  | 'webhook_not_found'
  // Keywords and contests (extensions, issue #15).
  | 'keyword_variants_required'
  | 'invalid_keyword_variant'
  | 'keyword_variant_taken'
  | 'invalid_keyword_period'
  | 'invalid_reply_limit'
  | 'invalid_flag'
  | 'keyword_group_blocked'
  | 'keyword_id_required'
  | 'keyword_not_found'
  | 'keyword_not_contest'
  | 'keyword_no_entries_left'
  // Users of the web platform: sign-in, invitations, password reset, roles.
  | 'sign_in_failed'
  | 'sign_in_throttled'
  | 'user_exists'
  | 'user_not_found'
  | 'invalid_token'
  | 'last_admin'
  | 'password_too_short'
  | 'password_too_long'
  | 'wrong_current_password'
  | 'user_name_too_long'
  | 'invalid_role'
  // CASL consent and suppressions (extensions).
  | 'invalid_consent_type'
  | 'consent_evidence_too_long'
  | 'suppression_reason_required'
  | 'number_not_suppressed'
  | 'number_already_suppressed'
  | 'casl_footer_not_gsm7'
  | 'invalid_commercial';

/** An expected failure: `id` for code that decides what to do with it, `message` for the client. */
export class DomainError extends Error {
  constructor(
    readonly id: ErrorId,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

const fail = (id: ErrorId, message: string): DomainError => new DomainError(id, message);

// Requests.
export const invalidRequestBody = () => fail('invalid_request_body', 'Invalid request body');
export const requestBodyTooLarge = () => fail('request_body_too_large', 'Request body too large');
export const unsupportedContentType = () => fail('unsupported_content_type', 'Unsupported content type');
export const invalidUtf8 = () => fail('invalid_utf8', 'Invalid UTF-8 in request parameters');
export const parameterTooLong = (name: string) => fail('parameter_too_long', `${name} is too long`);
/** PostgreSQL's text refuses U+0000 (SQLite keeps it): refused at the edge, the same on both stores. */
export const parameterContainsNul = (name: string) =>
  fail('parameter_contains_nul', `${name} must not contain a NUL character`);
export const unknownEndpoint = () => fail('unknown_endpoint', 'Unknown API endpoint');
export const methodNotAllowed = () => fail('method_not_allowed', 'Method not allowed');

// Requests refused below the API (src/http/protocol-errors.ts).
export const malformedRequest = () => fail('malformed_request', 'Malformed HTTP request');
export const malformedUrl = () => fail('malformed_url', 'Malformed URL: invalid percent-encoding');
export const hostHeaderRequired = () => fail('host_header_required', 'The Host header is required');
export const requestHeadersTooLarge = () =>
  fail('request_headers_too_large', 'Request line and headers too large (16 KB at most)');
export const requestTimeout = () => fail('request_timeout', 'Request not received in time');
export const expectationUnsupported = () =>
  fail('expectation_unsupported', 'Only Expect: 100-continue is supported');

// Authentication.
export const apiKeyMissing = () => fail('api_key_missing', 'API Key parameter is missing');
export const invalidApiKey = () => fail('invalid_api_key', 'Invalid API key');
export const ipNotAllowed = (ip: string, maskedKey: string) =>
  fail('ip_not_allowed', `The API is not accessible from your IP (${ip}) using API key ${maskedKey}`);

// Account settings.
export const accountNameRequired = () => fail('account_name_required', 'The account name is required.');
export const accountNameTooLong = (max: number) =>
  fail('account_name_too_long', `The account name is too long (maximum ${max} characters).`);
export const invalidCountry = () =>
  fail('invalid_country', 'The country must be a two-letter ISO 3166 code, such as CA.');
export const senderExists = () => fail('sender_exists', 'This number is already one of your sender numbers.');
/** One number, one account: inbound messages to a sender number must reach a single account. */
export const senderTaken = () =>
  fail('sender_taken', 'This number is already a sender number of another account.');

// API keys.
export const invalidAllowEntry = (entry: string) =>
  fail('invalid_allow_entry', `${entry} is not an IP address or CIDR range`);
export const invalidApiKeyName = (max: number) =>
  fail('invalid_api_key_name', `Key name must be 1 to ${max} characters`);

// Rate limits: `max` requests per `window` for this key or account; Retry-After says when to retry.
export const rateLimited = (scope: 'key' | 'account', max: number, window: 'minute' | 'day') =>
  fail(
    'rate_limited',
    `Rate limit exceeded: ${max} requests per ${window} for this ${scope === 'key' ? 'API key' : 'account'}`,
  );
export const signInRateLimited = () =>
  fail('sign_in_rate_limited', 'Too many sign-in attempts. Try again in a minute.');
/** /metrics and /health when METRICS_TOKEN is set and the request does not carry it. */
export const bearerTokenRequired = () =>
  fail('bearer_token_required', 'Authorization: Bearer <METRICS_TOKEN> required');

// Shared parameters: `name` is the parameter as the client wrote it (e.g. `to`, `date_start`).
export const missingParameter = (name: string) => fail('missing_parameter', `${name} parameter is missing`);
export const invalidPhoneNumber = (name: string) =>
  fail('invalid_phone_number', `${name} is not a valid phone number`);
export const invalidEmailAddress = (name: string) =>
  fail('invalid_email_address', `${name} is not a valid email address`);
export const invalidLanguage = () => fail('invalid_language', 'language must be fr or en');
export const notAWholeNumber = (name: string) => fail('not_a_whole_number', `${name} must be a whole number`);
export const outOfRange = (name: string, min: string, max: string) =>
  fail('out_of_range', `${name} must be from ${min} to ${max}`);

// Messages.
export const messageTooLong = () =>
  fail('message_too_long', `message is too long (maximum ${MAX_PARTS} parts)`);
export const unknownSender = () => fail('unknown_sender', 'from is not one of your sender numbers');
/** Every mt message has a `from` of digits (§3.1): an account without a number sends nothing. */
export const noSenderNumber = () =>
  fail(
    'no_sender_number',
    'This account has no sender number: the operator adds one with vudumobile account sender add',
  );
/** Also test_broadcast's answer for a contact who opted out: the same refusal as `send`. */
export const recipientBlocked = () => fail('recipient_blocked', 'recipient is blocked');
export const invalidDate = () => fail('invalid_date', 'Invalid date format, expected YYYY-MM-DD HH:MM:SS');
export const invalidTimezone = (given: string) => fail('invalid_timezone', `Invalid timezone: ${given}`);
export const invalidDirection = () => fail('invalid_direction', 'direction must be mo or mt');
export const invalidFeedLimit = (max: number) =>
  fail('invalid_feed_limit', `limit must be a whole number from 1 to ${max}`);
export const emailParametersMissing = () =>
  fail('email_parameters_missing', 'to, subject, message or format parameter is missing');
export const invalidEmailFormat = () => fail('invalid_email_format', 'format must be text or htm');

// get_usage.
export const invalidUsagePeriod = () => fail('invalid_usage_period', 'period must be day or month');
export const invalidUsageDate = (name: string) =>
  fail('invalid_usage_date', `${name} must be a date YYYY-MM-DD`);
export const invalidUsageRange = (maxDays: string) =>
  fail('invalid_usage_range', `to_date must be on or after from_date, at most ${maxDays} days in all`);
export const invalidUsageBy = () => fail('invalid_usage_by', 'by must be broadcast');
/** An answer's `format`: get_usage, get_keyword_entries. */
export const invalidFormat = () => fail('invalid_format', 'format must be json or csv');

// Verification.
export const invalidVerificationCode = () => fail('invalid_verification_code', 'code must be 4 to 10 digits');
export const requestIdUsed = () => fail('request_id_used', 'request_id already used');
export const tooManyVerifications = () =>
  fail('too_many_verifications', 'Too many verification requests for this number');
// Unknown, another account's, and already verified alike: nothing tells them apart.
export const verificationNotFound = () => fail('verification_not_found', 'verification not found');
export const verificationExpired = () => fail('verification_expired', 'verification code expired');
export const tooManyVerificationChecks = () =>
  fail('too_many_verification_checks', 'too many attempts for this verification');

// Contacts.
export const contactKeyRequired = () => fail('contact_key_required', 'Contact number or email required');
export const contactReferenceRequired = () =>
  fail('contact_reference_required', 'Contact number, email or id required');
export const contactNotFound = () => fail('contact_not_found', 'Contact not found');
export const contactNumberExists = () =>
  fail('contact_number_exists', 'Contact already exists with this number');
export const contactEmailExists = () =>
  fail('contact_email_exists', 'Contact already exists with this email');
export const invalidUserId = () => fail('invalid_user_id', 'user_id must be a number');
/** post_contact's `timezone` (extension): launch_timezone's text, with what is expected. */
export const invalidContactTimezone = (given: string) =>
  fail(
    'invalid_contact_timezone',
    `Invalid timezone: ${given} (expected an IANA zone such as America/Toronto)`,
  );

// Groups. "not found" answers a lookup by the `group` parameter; "doesn't exist" a rename by group_id.
export const groupNotFound = () => fail('group_not_found', 'group not found');
export const groupDoesNotExist = () => fail('group_does_not_exist', "group doesn't exist");
export const groupExists = () => fail('group_exists', 'group already exists');
export const systemGroupNotModifiable = () =>
  fail('system_group_not_modifiable', "system groups can't be modified");
export const systemGroupNotDeletable = () =>
  fail('system_group_not_deletable', "system groups can't be deleted");
export const contactAndGroupRequired = () => fail('contact_and_group_required', 'Contact and group required');
/** The contact named by a group membership or test_broadcast (lower case, unlike get_contact's). */
export const namedContactNotFound = () => fail('named_contact_not_found', 'contact not found');
export const groupNameTooLong = () =>
  fail('group_name_too_long', 'group_name is too long (maximum 100 characters)');

// Imports.
export const fileRequired = () => fail('file_required', 'File required');
export const reportEmailNotAUser = (email: string) =>
  fail('report_email_not_a_user', `The email ${email} must be associated to a user on your account`);
export const invalidOverwrite = () => fail('invalid_overwrite', 'overwrite must be 0 or 1');
export const importNotFound = () => fail('import_not_found', 'import not found');
export const csvUnreadable = () => fail('csv_unreadable', 'CSV file could not be read');
export const csvWrongDelimiters = () => fail('csv_wrong_delimiters', 'Wrong delimiters');
export const csvMalformed = () => fail('csv_malformed', 'CSV file malformed');

// Broadcasts.
export const invalidBroadcast = () => fail('invalid_broadcast', 'Invalid broadcast information');
export const broadcastNotFound = () => fail('broadcast_not_found', 'broadcast not found');
export const broadcastNotModifiable = () =>
  fail('broadcast_not_modifiable', 'broadcast has already been sent or is currently being processed');
export const broadcastAlreadyStarted = () =>
  fail('broadcast_already_started', 'broadcast has already been sent or started');
/** Also stored as the reason of a scheduled broadcast that found nobody to send to. */
export const broadcastNoRecipients = () =>
  fail('broadcast_no_recipients', 'broadcast has no valid recipients');
export const contactAndBroadcastRequired = () =>
  fail('contact_and_broadcast_required', 'Contact and broadcast required');
/** Extension: a launch_date more than a minute before now (a clock a few seconds behind is not refused). */
export const launchDateInPast = () => fail('launch_date_in_past', 'launch_date is in the past');

// Webhooks.
export const webhookUrlRequired = () => fail('webhook_url_required', 'Webhook url required');
export const webhookUrlInvalid = () =>
  fail('webhook_url_invalid', 'Webhook url must be an http or https URL');
export const webhookUrlPrivate = () =>
  fail('webhook_url_private', 'Webhook url must not point to a private or loopback address');
export const webhookEventsInvalid = () =>
  fail('webhook_events_invalid', 'Webhook events must be mo, status, keyword or all');
export const tooManyWebhooks = (max: number) =>
  fail('too_many_webhooks', `Too many webhooks (${max} at most)`);
export const webhookIdRequired = () => fail('webhook_id_required', 'Webhook id required');
export const webhookNotFound = () => fail('webhook_not_found', 'Webhook not found');

// Keywords and contests.
export const keywordVariantsRequired = () =>
  fail('keyword_variants_required', 'fr_keywords or en_keywords parameter is missing');
export const invalidKeywordVariant = (variant: string) =>
  fail(
    'invalid_keyword_variant',
    `Invalid keyword: ${variant} (letters, digits and spaces, 40 characters at most, not an opt-out keyword such as STOP)`,
  );
export const keywordVariantTaken = (variant: string) =>
  fail('keyword_variant_taken', `keyword ${variant} is already used by another keyword of this account`);
export const invalidKeywordPeriod = () =>
  fail(
    'invalid_keyword_period',
    'starts_at and ends_at must be dates (YYYY-MM-DD HH:MM:SS, UTC), ends_at after starts_at',
  );
export const invalidReplyLimit = () =>
  fail('invalid_reply_limit', 'reply_limit must be a whole number from 0 to 1000');
export const invalidFlag = (name: string) => fail('invalid_flag', `${name} must be 0 or 1`);
export const keywordGroupBlocked = () =>
  fail('keyword_group_blocked', 'a keyword cannot add contacts to the Blocked group');
export const keywordIdRequired = () => fail('keyword_id_required', 'keyword identifier parameter is missing');
export const keywordNotFound = () => fail('keyword_not_found', 'keyword not found');
export const keywordNotContest = () => fail('keyword_not_contest', 'keyword is not a contest');
export const keywordNoEntriesLeft = () =>
  fail('keyword_no_entries_left', 'keyword has no entry left to draw');
// Users. One sign-in failure text whether or not the email exists: it must not tell them apart.
export const signInFailed = () => fail('sign_in_failed', 'Incorrect email or password.');
export const signInThrottled = () =>
  fail('sign_in_throttled', 'Too many failed sign-in attempts. Try again in a few minutes.');
export const userExists = () => fail('user_exists', 'A user with this email already exists in this account.');
export const userNotFound = () => fail('user_not_found', 'User not found.');
export const invalidToken = () => fail('invalid_token', 'This link is invalid or has expired.');
export const lastAdmin = () => fail('last_admin', 'The account must keep at least one administrator.');
export const passwordTooShort = () =>
  fail('password_too_short', `The password must be at least ${PASSWORD_MIN} characters long.`);
export const passwordTooLong = () =>
  fail('password_too_long', `The password must be at most ${PASSWORD_MAX} characters long.`);
export const wrongCurrentPassword = () =>
  fail('wrong_current_password', 'The current password is incorrect.');
export const userNameTooLong = () =>
  fail('user_name_too_long', `The name is too long (maximum ${USER_NAME_MAX} characters).`);
export const invalidRole = () => fail('invalid_role', 'role must be admin or member');

// CASL consent and suppressions.
export const invalidConsentType = () =>
  fail('invalid_consent_type', 'consent_type must be express or implied');
export const consentEvidenceTooLong = (max: number) =>
  fail('consent_evidence_too_long', `consent_evidence must be at most ${max} characters`);
export const suppressionReasonRequired = () => fail('suppression_reason_required', 'A reason is required');
export const numberNotSuppressed = () => fail('number_not_suppressed', 'Number not suppressed');
export const numberAlreadySuppressed = () => fail('number_already_suppressed', 'Number already suppressed');
export const invalidCommercial = () => fail('invalid_commercial', 'commercial must be 0 or 1');
export const caslFooterNotGsm7 = () =>
  fail('casl_footer_not_gsm7', 'The sender identification must use GSM-7 characters only');
