import { withCaslFooter, type CaslFooter } from '../consent/casl-footer.js';
import {
  invalidCommercial,
  broadcastAlreadyStarted,
  broadcastNoRecipients,
  broadcastNotFound,
  broadcastNotModifiable,
  contactAndBroadcastRequired,
  invalidBroadcast,
  messageTooLong,
  missingParameter,
  noSenderNumber,
  recipientBlocked,
  unknownSender,
} from '../errors.js';
import { parseBroadcastSender, parseLaunch } from './broadcast-schedule.js';
import { exceedsMaxParts, hasEmailText, hasSmsText, renderEmail, renderSms } from './broadcast-render.js';
import {
  parseBroadcastId,
  ZERO_COUNTERS,
  type Broadcast,
  type BroadcastCounters,
  type BroadcastMessage,
  type BroadcastTexts,
  type GroupLookup,
} from './broadcasts.js';
import type { BroadcastStore } from '../ports/broadcast-store.js';
import { parseListPage, sliceListPage, type ListPage } from './broadcast-list-page.js';
import type {
  BroadcastReach,
  BroadcastReportStore,
  FailureGroup,
  RecipientOutcome,
} from '../ports/broadcast-report-store.js';
import {
  findNamedContact,
  previewBroadcast,
  reachOfGroups,
  reviewBroadcast,
  type BroadcastPreview,
  type ReachReview,
} from './broadcast-review.js';
import type { Logger } from '../ports/logger.js';

/** The operations behind the §7 endpoints. Each validates fully before it changes anything. */

/** post_broadcast's parameters, as received (a parameter sent empty is `''`). */
export interface BroadcastParams {
  readonly broadcast?: string;
  readonly name?: string;
  readonly from_groups?: string;
  /** The source's own modify example misspells from_groups; accepted as a synonym. */
  readonly rom_groups?: string;
  readonly fr_message?: string;
  readonly en_message?: string;
  readonly fr_subject?: string;
  readonly en_subject?: string;
  readonly fr_email?: string;
  readonly en_email?: string;
  readonly launch_date?: string;
  /** Extension: the IANA zone launch_date is read in (default UTC). */
  readonly launch_timezone?: string;
  /** Extension: the sender number of this broadcast's SMS, one of the account's (default its first). */
  readonly from?: string;
  /** Extension (CASL): `0` for a non-commercial broadcast (no footer); default `1`. */
  readonly commercial?: string;
}

/** The calling account, as test_broadcast needs it to read a phone number. */
export interface AccountScope {
  readonly id: number;
  readonly defaultCountry: string;
}

/**
 * A broadcast with what its presentation needs; `messages` is null before it started, else one page
 * of its list, and `nextAfter` the `after` of the next page (null: the page ends the list).
 */
export interface BroadcastView {
  readonly broadcast: Broadcast;
  readonly counters: BroadcastCounters;
  readonly messages: readonly BroadcastMessage[] | null;
  readonly nextAfter?: number | null;
}

const TEXT_PARAMS = {
  frMessage: 'fr_message',
  enMessage: 'en_message',
  frSubject: 'fr_subject',
  enSubject: 'en_subject',
  frEmail: 'fr_email',
  enEmail: 'en_email',
} as const satisfies Record<keyof BroadcastTexts, keyof BroadcastParams>;

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

function requireId(raw: string | undefined): number {
  if (!present(raw)) throw missingParameter('broadcast identifier');
  const id = parseBroadcastId(raw);
  if (id === undefined) throw broadcastNotFound();
  return id;
}

async function requireBroadcast(store: BroadcastStore, accountId: number, raw: string | undefined) {
  const id = requireId(raw);
  const broadcast = await store.find(accountId, id);
  if (!broadcast) throw broadcastNotFound();
  return broadcast;
}

/** `from_groups`: ids or names, comma-separated; an all-digits entry is an id. */
function parseGroupRefs(raw: string): GroupLookup[] {
  const refs = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? { id: parseBroadcastId(part) ?? 0 } : { name: part }));
  if (refs.length === 0) throw invalidBroadcast();
  return refs;
}

function textsFrom(params: BroadcastParams, base: BroadcastTexts | null): BroadcastTexts {
  const texts: Record<keyof BroadcastTexts, string | null> = {
    frMessage: null,
    enMessage: null,
    frSubject: null,
    enSubject: null,
    frEmail: null,
    enEmail: null,
  };
  for (const [field, param] of Object.entries(TEXT_PARAMS) as [
    keyof BroadcastTexts,
    keyof BroadcastParams,
  ][]) {
    const value = params[param];
    // Modify: only the texts sent change; one sent empty is cleared.
    texts[field] = value === undefined ? (base?.[field] ?? null) : value.trim() === '' ? null : value;
  }
  return texts;
}

/**
 * What makes a broadcast sendable: an SMS text, or (extension) an email-only broadcast with a
 * subject and an email text. A text too long before any merge field is refused here.
 */
function assertSendable(texts: BroadcastTexts): void {
  const emailOnly = hasEmailText(texts) && (texts.frSubject !== null || texts.enSubject !== null);
  if (!hasSmsText(texts) && !emailOnly) throw invalidBroadcast();
  for (const text of [texts.frMessage, texts.enMessage]) {
    if (text !== null && exceedsMaxParts(text)) throw invalidBroadcast();
  }
}

/** The broadcast's sender, when one is chosen: refused like `send` refuses a number not the account's. */
async function resolveSender(
  store: BroadcastStore,
  accountId: number,
  raw: string | undefined,
  existing: Broadcast | null,
): Promise<string | null> {
  const fromNumber = parseBroadcastSender(raw, existing);
  if (fromNumber !== null && raw !== undefined && !(await store.isSender(accountId, fromNumber))) {
    throw unknownSender();
  }
  return fromNumber;
}

async function resolveGroups(store: BroadcastStore, accountId: number, raw: string): Promise<number[]> {
  const ids = await store.findGroupIds(accountId, parseGroupRefs(raw));
  if (!ids) throw invalidBroadcast();
  return ids;
}

/** `commercial` (extension): 0 or 1; absent or empty keeps the broadcast's (a new one is commercial). */
function parseCommercial(raw: string | undefined): boolean | undefined {
  const value = raw?.trim() ?? '';
  if (value === '') return undefined;
  if (value !== '0' && value !== '1') throw invalidCommercial();
  return value === '1';
}

/** post_broadcast: add (no `broadcast`) or modify a pending broadcast. Returns its id. */
export async function saveBroadcast(
  store: BroadcastStore,
  accountId: number,
  params: BroadcastParams,
  now: number,
): Promise<number> {
  const groupsParam = params.from_groups ?? params.rom_groups;
  if (!present(params.broadcast)) {
    const name = params.name?.trim() ?? '';
    if (name === '' || !present(groupsParam)) throw invalidBroadcast();
    const texts = textsFrom(params, null);
    assertSendable(texts);
    const launch = parseLaunch(params, null, now);
    const fromNumber = await resolveSender(store, accountId, params.from, null);
    const groupIds = await resolveGroups(store, accountId, groupsParam);
    const commercial = parseCommercial(params.commercial);
    return store.insert(accountId, { name, groupIds, texts, ...launch, fromNumber, commercial }, now);
  }
  const existing = await requireBroadcast(store, accountId, params.broadcast);
  if (existing.status !== 'pending') throw broadcastNotModifiable();
  const name = params.name === undefined ? existing.name : params.name.trim();
  if (name === '' || groupsParam === '') throw invalidBroadcast();
  const texts = textsFrom(params, existing.texts);
  assertSendable(texts);
  const launch = parseLaunch(params, existing, now);
  const fromNumber = await resolveSender(store, accountId, params.from, existing);
  const groupIds = groupsParam === undefined ? null : await resolveGroups(store, accountId, groupsParam);
  const commercial = parseCommercial(params.commercial);
  const update = { name, groupIds, texts, ...launch, fromNumber, commercial };
  // The store re-checks `pending` in the same statement: the scheduler may have started it meanwhile.
  if (!(await store.updatePending(accountId, existing.id, update))) {
    throw broadcastNotModifiable();
  }
  return existing.id;
}

/** start_broadcast. */
export async function startBroadcast(
  store: BroadcastStore,
  accountId: number,
  rawId: string | undefined,
  defaultMailFrom: string,
  now: number,
): Promise<void> {
  const broadcast = await requireBroadcast(store, accountId, rawId);
  if (broadcast.status !== 'pending') throw broadcastAlreadyStarted();
  const outcome = await store.start(accountId, broadcast.id, { now, defaultMailFrom, scheduled: false });
  if (outcome.kind === 'not_pending') throw broadcastAlreadyStarted();
  if (outcome.kind === 'no_recipients') throw broadcastNoRecipients();
  if (outcome.kind === 'no_sender') throw noSenderNumber();
}

/** delete_broadcast: what was sent stays in the feed; what is still queued is cancelled. */
export async function deleteBroadcast(
  store: BroadcastStore,
  accountId: number,
  rawId: string | undefined,
  now: number,
): Promise<void> {
  const broadcast = await requireBroadcast(store, accountId, rawId);
  if (!(await store.markDeleted(accountId, broadcast.id, now))) throw broadcastNotFound();
}

function hasStarted(broadcast: Broadcast): boolean {
  return broadcast.status === 'in_progress' || broadcast.status === 'completed';
}

async function views(
  store: BroadcastStore,
  broadcasts: readonly Broadcast[],
  page: ListPage,
): Promise<BroadcastView[]> {
  const started = broadcasts.filter(hasStarted).map((b) => b.id);
  const [counters, messages] = await Promise.all([
    store.counters(started),
    store.messagesPage(started, page),
  ]);
  return broadcasts.map((broadcast) => {
    const counted = counters.get(broadcast.id) ?? ZERO_COUNTERS;
    if (!hasStarted(broadcast)) return { broadcast, counters: counted, messages: null, nextAfter: null };
    const slice = sliceListPage(messages.get(broadcast.id) ?? [], page);
    return { broadcast, counters: counted, messages: slice.rows, nextAfter: slice.nextAfter };
  });
}

/** get_broadcast: the broadcast and one page of its list (`limit`, `after`). */
export async function getBroadcast(
  store: BroadcastStore,
  accountId: number,
  params: { readonly broadcast?: string; readonly limit?: string; readonly after?: string },
): Promise<BroadcastView> {
  const broadcast = await requireBroadcast(store, accountId, params.broadcast);
  const page = parseListPage(params, { limit: 'limit', after: 'after' }, 1);
  const [view] = await views(store, [broadcast], page);
  if (!view) throw broadcastNotFound();
  return view;
}

/** get_broadcasts: newest first, each with the first page of its list (`list_limit` rows). */
export async function listBroadcasts(
  store: BroadcastStore,
  accountId: number,
  params: { readonly list_limit?: string },
): Promise<BroadcastView[]> {
  const page = parseListPage({ limit: params.list_limit }, { limit: 'list_limit', after: 'after' }, 0);
  return views(store, await store.list(accountId), page);
}

/**
 * test_broadcast: renders the broadcast for one contact and queues it (SMS and/or email) as a
 * single send, outside the broadcast's counters. A blocked contact is refused like `send` refuses
 * it; a contact that would receive nothing is answered `broadcast has no valid recipients`.
 */
export async function testBroadcast(
  store: BroadcastStore,
  account: AccountScope,
  params: { broadcast?: string; contact?: string },
  defaultMailFrom: string,
  now: number,
  /** The account's CASL footer, appended as the fan-out appends it (absent: the texts as written). */
  footerOf?: (accountId: number) => Promise<CaslFooter>,
): Promise<void> {
  if (!present(params.broadcast) || !present(params.contact)) throw contactAndBroadcastRequired();
  const stored = await requireBroadcast(store, account.id, params.broadcast);
  const broadcast = footerOf
    ? {
        ...stored,
        texts: withCaslFooter(stored.texts, await footerOf(account.id), stored.commercial ?? true),
      }
    : stored;
  const contact = await findNamedContact(store, account, params.contact);
  if (contact.isBlocked) throw recipientBlocked();
  const recipient = contact.isSuppressed ? { ...contact, number: null } : contact;
  const sms = renderSms(broadcast.texts, recipient);
  const email = renderEmail(broadcast.texts, recipient, broadcast.name);
  if (!sms && !email) throw broadcastNoRecipients();
  // The only failure a rendered SMS carries: too long once its merge fields are filled in.
  if (sms?.failure) throw messageTooLong();
  if (
    !(await store.queueTest(account.id, sms, email, {
      defaultMailFrom,
      now,
      fromNumber: broadcast.fromNumber,
    }))
  )
    throw noSenderNumber();
}

/** Scheduled broadcasts started per look; a full page means more may be due. */
const DUE_PAGE = 20;

export interface BroadcastServiceDeps {
  readonly store: BroadcastStore;
  readonly reports: BroadcastReportStore;
  readonly log: Logger;
  readonly now: () => number;
  /** The From of broadcast emails when an account has no mail_from of its own. */
  readonly defaultMailFrom: string;
}

/**
 * The broadcasts of an account (contract §7) and their scheduled starts: what the HTTP routes and
 * the scheduler call. Binds the operations above to the store, the clock and the platform's mail
 * From (used when an account has none of its own).
 */
export class BroadcastService {
  constructor(private readonly deps: BroadcastServiceDeps) {}

  /** post_broadcast. */
  save(accountId: number, params: BroadcastParams): Promise<number> {
    return saveBroadcast(this.deps.store, accountId, params, this.deps.now());
  }

  /** start_broadcast. */
  start(accountId: number, rawId: string | undefined): Promise<void> {
    return startBroadcast(this.deps.store, accountId, rawId, this.deps.defaultMailFrom, this.deps.now());
  }

  /** delete_broadcast. */
  delete(accountId: number, rawId: string | undefined): Promise<void> {
    return deleteBroadcast(this.deps.store, accountId, rawId, this.deps.now());
  }

  /** get_broadcast. */
  get(
    accountId: number,
    params: { readonly broadcast?: string; readonly limit?: string; readonly after?: string },
  ): Promise<BroadcastView> {
    return getBroadcast(this.deps.store, accountId, params);
  }

  /** get_broadcasts. */
  list(accountId: number, params: { readonly list_limit?: string } = {}): Promise<BroadcastView[]> {
    return listBroadcasts(this.deps.store, accountId, params);
  }

  /** A broadcast and its counters, without its message list (the web pages, polled while it runs). */
  async summary(accountId: number, rawId: string | undefined): Promise<BroadcastView> {
    const broadcast = await requireBroadcast(this.deps.store, accountId, rawId);
    const counters = await this.deps.store.counters([broadcast.id]);
    return { broadcast, counters: counters.get(broadcast.id) ?? ZERO_COUNTERS, messages: null };
  }

  /** One page of get_broadcasts without the message lists, newest first; counters only for that page. */
  async summaries(
    accountId: number,
    page: { readonly offset: number; readonly limit: number },
  ): Promise<{ views: BroadcastView[]; more: boolean }> {
    const all = await this.deps.store.list(accountId);
    const broadcasts = all.slice(page.offset, page.offset + page.limit);
    const counters = await this.deps.store.counters(broadcasts.map((b) => b.id));
    const views = broadcasts.map((broadcast) => ({
      broadcast,
      counters: counters.get(broadcast.id) ?? ZERO_COUNTERS,
      messages: null,
    }));
    return { views, more: all.length > page.offset + page.limit };
  }

  /** Who these groups of the account reach now (SMS by language, emails); group not found else. */
  reachOfGroups(accountId: number, groupIds: readonly number[]): Promise<BroadcastReach> {
    return reachOfGroups(this.deps.reports, accountId, groupIds);
  }

  /** The ids of the groups a broadcast targets (its editor's ticked boxes). */
  async groupIdsOf(accountId: number, rawId: string | undefined): Promise<number[]> {
    const broadcast = await requireBroadcast(this.deps.store, accountId, rawId);
    return (await this.deps.reports.broadcastTargets(accountId, broadcast.id)).map((g) => g.id);
  }

  /** Who the broadcast would reach if started now, with its cost in parts per language. */
  async review(accountId: number, rawId: string | undefined): Promise<ReachReview> {
    return reviewBroadcast(this.deps.reports, await requireBroadcast(this.deps.store, accountId, rawId));
  }

  /** The broadcast rendered for one contact of the account (number, email or id). */
  async preview(
    account: AccountScope,
    rawId: string | undefined,
    contact: string,
  ): Promise<BroadcastPreview> {
    const broadcast = await requireBroadcast(this.deps.store, account.id, rawId);
    // Shown as it will be sent: with the CASL footer a commercial broadcast ends with.
    const footer = await this.deps.reports.caslFooter(account.id);
    const texts = withCaslFooter(broadcast.texts, footer, broadcast.commercial ?? true);
    return previewBroadcast(this.deps.store, account, { ...broadcast, texts }, contact);
  }

  /** The failed SMS grouped by receipt status or refusal. */
  async failures(accountId: number, rawId: string | undefined): Promise<FailureGroup[]> {
    const broadcast = await requireBroadcast(this.deps.store, accountId, rawId);
    return this.deps.reports.failures(broadcast.id);
  }

  /** Every SMS of the broadcast and its outcome, read in batches as the caller consumes them. */
  async outcomes(accountId: number, rawId: string | undefined): Promise<AsyncIterable<RecipientOutcome>> {
    const broadcast = await requireBroadcast(this.deps.store, accountId, rawId);
    return this.deps.reports.outcomes(broadcast.id);
  }

  /** The newest broadcasts with their counters but not their messages (the dashboard's list). */
  async recent(accountId: number, limit: number): Promise<Omit<BroadcastView, 'messages'>[]> {
    const broadcasts = (await this.deps.store.list(accountId)).slice(0, limit);
    const counters = await this.deps.store.counters(broadcasts.filter(hasStarted).map((b) => b.id));
    return broadcasts.map((broadcast) => ({
      broadcast,
      counters: counters.get(broadcast.id) ?? ZERO_COUNTERS,
    }));
  }

  /** test_broadcast. */
  test(account: AccountScope, params: { broadcast?: string; contact?: string }): Promise<void> {
    return testBroadcast(this.deps.store, account, params, this.deps.defaultMailFrom, this.deps.now(), (id) =>
      this.deps.reports.caslFooter(id),
    );
  }

  /**
   * The scheduler's work: starts pending broadcasts whose launch_date has come. The start is the
   * store's conditional update, so any number of schedulers on one database start each broadcast
   * once; a due broadcast with nobody to send to becomes failed. True when more may be due.
   */
  async startDue(): Promise<boolean> {
    const due = await this.deps.store.dueScheduled(this.deps.now(), DUE_PAGE);
    for (const { id, accountId } of due) {
      const outcome = await this.deps.store.start(accountId, id, {
        now: this.deps.now(),
        defaultMailFrom: this.deps.defaultMailFrom,
        scheduled: true,
      });
      if (outcome.kind === 'started') {
        this.deps.log.info(
          { broadcast: id, sms: outcome.smsTotal, emails: outcome.emailTotal },
          'scheduled broadcast started',
        );
      } else if (outcome.kind === 'no_recipients') {
        this.deps.log.warn({ broadcast: id }, 'scheduled broadcast failed: no valid recipients');
      } else if (outcome.kind === 'no_sender') {
        this.deps.log.warn({ broadcast: id }, 'scheduled broadcast failed: the account has no sender number');
      }
    }
    return due.length === DUE_PAGE;
  }
}
