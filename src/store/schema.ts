import type { Generated } from 'kysely';

/**
 * The database as Kysely sees it. Timestamps are milliseconds since the epoch (UTC) in integer
 * columns, so both dialects store and compare them the same way; booleans are 0/1 integers.
 */
export interface Database {
  accounts: AccountsTable;
  account_senders: AccountSendersTable;
  api_keys: ApiKeysTable;
  users: UsersTable;
  contacts: ContactsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  imports: ImportsTable;
  import_chunks: ImportChunksTable;
  import_errors: ImportErrorsTable;
  messages: MessagesTable;
  message_parts: MessagePartsTable;
  message_counts: MessageCountsTable;
  emails: EmailsTable;
  verifications: VerificationsTable;
  suppressions: SuppressionsTable;
  suppression_history: SuppressionHistoryTable;
  consent_log: ConsentLogTable;
  unmatched_receipts: UnmatchedReceiptsTable;
  unrouted_inbound: UnroutedInboundTable;
  landlines: LandlinesTable;
  line_type_blocks: LineTypeBlocksTable;
  broadcasts: BroadcastsTable;
  broadcast_groups: BroadcastGroupsTable;
  broadcast_recipients: BroadcastRecipientsTable;
  broadcast_pacing: BroadcastPacingTable;
  smpp_binds: SmppBindsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  rate_counters: RateCountersTable;
  web_sessions: WebSessionsTable;
  user_tokens: UserTokensTable;
  sign_in_failures: SignInFailuresTable;
  account_events: AccountEventsTable;
  conversations: ConversationsTable;
  keywords: KeywordsTable;
  keyword_entries: KeywordEntriesTable;
  keyword_replies: KeywordRepliesTable;
}

/** One bind slot of an SMPP connector with max_binds, leased by a worker process. */
export interface SmppBindsTable {
  connector: string;
  slot: number;
  holder: string;
  lease_until: number;
}

export interface AccountsTable {
  id: Generated<number>;
  name: string;
  default_language: string;
  default_country: string;
  mail_from: string | null;
  detailed_status: number;
  created_at: number;
  /** The account's own limits (migration 016); null: the platform's default. */
  rate_per_minute: number | null;
  rate_per_day: number | null;
  /** Quiet hours in minutes after local midnight (migration 019); both null: none. */
  quiet_start: number | null;
  quiet_end: number | null;
  /** IANA zone of a recipient whose area code gives none (migration 019). */
  time_zone: Generated<string>;
  /** CASL (migration 018): the consent type of a contact added without one; express | implied. */
  consent_default_type: Generated<string>;
  /** The sender identification appended to commercial broadcasts: on (1) and its text per language. */
  casl_footer_on: Generated<number>;
  casl_footer_fr: string | null;
  casl_footer_en: string | null;
}

/** Fixed-window request counters shared by the api processes (migration 016). */
export interface RateCountersTable {
  key: string;
  hits: number;
  window_ends_at: number;
}

export interface AccountSendersTable {
  id: Generated<number>;
  account_id: number;
  number: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: Generated<number>;
  account_id: number;
  /** SHA-256 of the key, hex. The key itself is shown once at creation and never stored. */
  key_hash: string;
  /** The masked form used in the firewall's error text: first 6, `*****`, last 5. */
  masked: string;
  /** JSON array of IP addresses and CIDR ranges allowed to use the key; empty denies every IP. */
  allowed_ips: string;
  created_at: number;
  revoked_at: number | null;
  /** What the account calls the key (the Developers page); empty for keys made by the CLI. */
  name: Generated<string>;
}

export interface UsersTable {
  id: Generated<number>;
  account_id: number;
  /** Lower-cased; unique per account (the same address may be a user of two accounts). */
  email: string;
  created_at: number;
  name: Generated<string>;
  /** admin | member */
  role: Generated<string>;
  /** fr | en: the language of the web platform and of the user's emails. */
  language: Generated<string>;
  /** IANA time zone, e.g. America/Toronto. */
  time_zone: Generated<string>;
  /** argon2id, PHC string; null until the invitation link is followed. */
  password_hash: string | null;
  password_changed_at: number | null;
}

/** A signed-in browser. Only the SHA-256 (hex) of its cookie's token is stored. */
export interface WebSessionsTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  account_id: number;
  created_at: number;
  /** Refreshed at most once a minute; the idle expiry counts from it. */
  last_seen_at: number;
  /** The absolute expiry. */
  expires_at: number;
}

/** A single-use link: an invitation or a password reset. Only the SHA-256 (hex) of the token is stored. */
export interface UserTokensTable {
  id: Generated<number>;
  /** invite | reset */
  kind: string;
  token_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** One failed sign-in, counted against its scope (`ip:…` or `account:…`) within the throttle's window. */
export interface SignInFailuresTable {
  id: Generated<number>;
  scope: string;
  at: number;
}

export interface ContactsTable {
  id: Generated<number>;
  account_id: number;
  number: string | null;
  email: string | null;
  name: string;
  description: string;
  language: string;
  user_id: number;
  is_blocked: number;
  created_at: number;
  /** The contact's IANA zone for quiet hours, over its area code's (migration 024); null: none. */
  time_zone: string | null;
}

export interface GroupsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** Lower-cased name: group names are unique per account, compared case-insensitively. */
  name_key: string;
  /** 'all' (Tous), 'blocked' (Blocked) or null for a user's group. */
  system_kind: string | null;
  /** null for the system groups, which the source dates 0000-00-00 00:00:00. */
  created_at: number | null;
  /** Kept by triggers (migration 009): contacts for Tous, blocked ones for Blocked, else members. */
  member_count: Generated<number>;
}

export interface GroupMembersTable {
  group_id: number;
  contact_id: number;
  created_at: number;
}

export interface ImportsTable {
  id: Generated<number>;
  account_id: number;
  report_email: string;
  overwrite: number;
  group_id: number | null;
  /** pending | running | completed | failed */
  status: string;
  /** Declared encoding of the stored bytes ('utf8' or 'win1252'); the chunks are stored as uploaded. */
  encoding: string;
  delimiter: string;
  byte_size: number;
  /** Last data line (1-based, header is line 1) whose outcome is committed; the resume point. */
  checkpoint_line: number;
  rows_read: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  error: string | null;
  lease_until: number | null;
  report_sent_at: number | null;
  created_at: number;
  finished_at: number | null;
  file_name: string | null;
  /** JSON array of the header's fields. */
  header: string | null;
  rows_total: number | null;
}

export interface ImportChunksTable {
  import_id: number;
  seq: number;
  data: Buffer;
}

export interface ImportErrorsTable {
  id: Generated<number>;
  import_id: number;
  line: number;
  reason: string;
  /** JSON array of the rejected row's fields. */
  row_values: string | null;
}

export interface MessagesTable {
  id: Generated<number>;
  account_id: number;
  direction: 'mo' | 'mt';
  from_number: string;
  to_number: string;
  body: string;
  part_count: number;
  encoding: string;
  /** mt: queued | sending | sent | delivered | failed | cancelled; mo: received */
  status: string;
  /** The receipt's `<stat>_<err>` (DELIVRD_000…) once one arrived. */
  detailed_status: string | null;
  contact_id: number | null;
  broadcast_id: number | null;
  /** 0 = single sends and verification codes, 1 = bulk (broadcasts). */
  priority: number;
  idempotency_key: string | null;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  error: string | null;
  /** When the platform accepted (mt) or received (mo) it: the feed's datetime. */
  created_at: number;
  sent_at: number | null;
  done_at: number | null;
  /** 1 on an inbound message that matched one of the account's keywords (017). */
  is_kw: Generated<number>;
  /** Parts submitted by the attempts before the last, sent again after a receipt (022). */
  resubmitted_parts: Generated<number>;
}

export interface MessagePartsTable {
  message_id: number;
  seq: number;
  carrier_id: string | null;
  /** The carrier id lower-cased without leading zeros: what receipts are matched on (003). */
  carrier_key: string | null;
  /** sent | delivered | failed */
  status: string;
  stat: string | null;
  err: string | null;
  submitted_at: number | null;
  done_at: number | null;
}

export interface EmailsTable {
  id: Generated<number>;
  account_id: number;
  kind: string;
  from_address: string;
  to_address: string;
  subject: string;
  body: string;
  format: string;
  status: string;
  error: string | null;
  contact_id: number | null;
  broadcast_id: number | null;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  created_at: number;
  sent_at: number | null;
}

export interface VerificationsTable {
  id: Generated<number>;
  account_id: number;
  key_id: number;
  request_id: string;
  to_number: string;
  language: string;
  channel: string;
  message_id: number | null;
  call_id: string | null;
  /**
   * sms (the code went as the SMS message_id) | call_queued | calling (claimed, ringing) | in_call
   * (answered, the prompt playing) | answered | busy | no_answer | failed (how the call ended).
   */
  status: string;
  created_at: number;
  /** The code, kept for the voice call an SMS may fall back to (003). */
  code: string | null;
  /** 1 when the number's type was unknown: a failed SMS falls back to a voice call. */
  fallback: number;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  error: string | null;
  /** When the code stops being accepted by check_verification (015). */
  expires_at: number;
  /** check_verification calls counted against this code. */
  check_attempts: number;
  /** When a check found the code: the verification is then spent. */
  verified_at: number | null;
  /** When the callee picked up (the call is never placed again after this). */
  answered_at: number | null;
  /** The last call attempt: answered | busy | no_answer | failed, its SIP code and length. */
  call_outcome: string | null;
  sip_code: number | null;
  call_duration_ms: number | null;
  /** Calls that rang busy or unanswered: what VERIFY_CALL_RETRIES counts (023). */
  calls_unanswered: Generated<number>;
}

export interface SuppressionsTable {
  account_id: number;
  number: string;
  reason: string;
  created_at: number;
}

/** Every change of the suppression list, append-only (migration 018). */
export interface SuppressionHistoryTable {
  id: Generated<number>;
  account_id: number;
  number: string;
  /** suppressed | lifted */
  action: string;
  /** keyword | carrier | operator */
  source: string;
  /** Who: the number that texted the keyword, `carrier`, `user:<email>` or `key:<id>`. */
  actor: string;
  /** Why: the keyword's text, the receipt's status (`UNDELIVERABLE 303`), the operator's reason. */
  reason: string;
  at: number;
}

/** The CASL consent log, append-only (migration 018; src/domain/ports/consent-log.ts). */
export interface ConsentLogTable {
  id: Generated<number>;
  account_id: number;
  number: string | null;
  email: string | null;
  action: string;
  type: string;
  source: string;
  evidence: string;
  at: number;
  expires_at: number | null;
}

/** A receipt whose carrier id matched no part yet (it may arrive before the submit is recorded). */
export interface UnmatchedReceiptsTable {
  id: Generated<number>;
  carrier_id: string;
  stat: string;
  err: string;
  done_at: number | null;
  received_at: number;
}

/** An inbound SMS to a number no account sends from: kept for the operator, never dropped. */
export interface UnroutedInboundTable {
  id: Generated<number>;
  from_number: string;
  to_number: string;
  body: string;
  part_count: number;
  received_at: number;
}

/** Numbers known not to take SMS: verification codes go to them by voice. */
export interface LandlinesTable {
  number: string;
  reason: string;
  created_at: number;
  /** learnt (a verification SMS failed) | operator (`vudumobile landline add`); 015. */
  source: Generated<string>;
}

/** NPA-NXX(-X) prefixes and their line type, loaded by `vudumobile landline import-blocks` (015). */
export interface LineTypeBlocksTable {
  /** International digits: `1514555` (NPA-NXX) or `15145551` (a thousands-block). */
  prefix: string;
  /** fixed | mobile | voip | other */
  line_type: string;
  imported_at: number;
}

export interface BroadcastsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  fr_message: string | null;
  en_message: string | null;
  fr_subject: string | null;
  en_subject: string | null;
  fr_email: string | null;
  en_email: string | null;
  /** pending | in_progress | completed | failed */
  status: string;
  /** The requested start while pending; the actual start once started. */
  launch_date: number | null;
  end_date: number | null;
  /** The sender chosen by post_broadcast's `from` while pending; the one used once started. */
  from_number: string | null;
  mail_from: string | null;
  /** The IANA zone launch_date was given in (migration 019); null: UTC. */
  launch_timezone: string | null;
  sms_total: number;
  email_total: number;
  /** Last broadcast_recipients.id whose messages and emails are committed. */
  fanout_cursor: number;
  fanout_done: number;
  lease_until: number | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  deleted_at: number | null;
  /** 1: a commercial message, which gets the account's CASL footer when it is on (migration 018). */
  commercial: Generated<number>;
}

export interface BroadcastGroupsTable {
  broadcast_id: number;
  group_id: number;
  position: number;
}

/** The recipients as they were when the broadcast started; ids give the fan-out order. */
export interface BroadcastRecipientsTable {
  id: Generated<number>;
  broadcast_id: number;
  contact_id: number;
  /** null when this recipient gets no SMS (no number, suppressed, or no SMS text). */
  number: string | null;
  /** null when this recipient gets no email (no address or no email text). */
  email: string | null;
  /** The contact's own number and email, for merge fields (migration 020; null in older snapshots). */
  contact_number: string | null;
  contact_email: string | null;
  name: string;
  description: string;
  language: string;
  /** The contact's own zone at the start (migration 024; null: none, or an older snapshot). */
  time_zone: string | null;
}

export interface BroadcastPacingTable {
  account_id: number;
  /** Epoch ms of the next free bulk send slot of the account. */
  next_slot_at: number;
}

export interface WebhooksTable {
  id: Generated<number>;
  account_id: number;
  url: string;
  /** Comma-separated event kinds: `mo`, `status`. */
  events: string;
  secret: string;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  event: string;
  /** The JSON body, as it is signed and posted. */
  payload: string;
  /** queued | sending | delivered | failed */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
  /** The HTTP status of the last answer; null before any, or when none came (network error). */
  http_status: number | null;
}

/** Messages per account, 15-minute slot of created_at and feed status, kept by triggers (migration 014). */
export interface MessageCountsTable {
  account_id: number;
  /** created_at rounded down to its 15-minute slot, epoch ms. */
  slot: number;
  /** received | queued | sent | delivered | failed */
  status: string;
  /** On PostgreSQL several delta rows per key until folded: always read as a sum. */
  total: number;
}

/** What changed for an account, for the web pages' live updates (migration 012; pruned after an hour). */
export interface AccountEventsTable {
  id: Generated<number>;
  account_id: number;
  kind: 'mo' | 'status';
  message_id: number;
  number: string;
  status: string;
  created_at: number;
}

/** The inbox's threads: one per account and correspondent number, kept by triggers on messages. */
export interface ConversationsTable {
  account_id: number;
  number: string;
  last_message_id: number;
  last_at: number;
  unread: Generated<number>;
}

/** An account's keyword: variants, auto-reply, group, period, limit, contest mode (017). */
export interface KeywordsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** Variants as typed, one per line. */
  fr_variants: string;
  en_variants: string;
  /** The sender number it listens on; null for all of the account's. */
  sender_number: string | null;
  fr_reply: string | null;
  en_reply: string | null;
  group_id: number | null;
  webhook: number;
  starts_at: number | null;
  ends_at: number | null;
  /** Auto-replies per number per 24 hours; 0 never replies. */
  reply_limit: number;
  contest: number;
  match_count: Generated<number>;
  created_at: number;
  updated_at: number;
}

/** A contest entry: one per (keyword, number). */
export interface KeywordEntriesTable {
  id: Generated<number>;
  keyword_id: number;
  number: string;
  language: string;
  message_id: number;
  created_at: number;
  drawn_at: number | null;
}

/** An auto-reply queued for an inbound message (unique per inbound message). */
export interface KeywordRepliesTable {
  id: Generated<number>;
  keyword_id: number;
  number: string;
  inbound_id: number;
  reply_id: number;
  created_at: number;
}
