import { parseContactSearch } from '../contacts/contact-search.js';
import type { ConversationMessage, Correspondent, InboxStore, Thread } from '../ports/inbox-store.js';

export type { ConversationMessage, Correspondent, Thread } from '../ports/inbox-store.js';

export const THREADS_PER_PAGE = 50;
export const MESSAGES_PER_PAGE = 50;
/** A text search reads this many of the account's latest messages (a scan, bounded). */
export const TEXT_SEARCH_SCAN = 20_000;
/** A search by name or text shows at most this many threads. */
const SEARCH_MATCHES = 200;

export interface ThreadPage {
  readonly threads: readonly Thread[];
  /** The cursor of the next (older) page, if there is one. */
  readonly next: number | undefined;
  /** What the search was read as: a number prefix, or name and text. */
  readonly searchedBy: 'number' | 'text' | undefined;
}

export interface Conversation {
  readonly correspondent: Correspondent;
  /** Oldest first, as a chat reads. */
  readonly messages: readonly ConversationMessage[];
  /** The cursor of older messages, if there are any. */
  readonly older: number | undefined;
}

/**
 * The shared inbox of an account (the web platform's /inbox): threads per correspondent number,
 * newest first, with unread counts. One inbox per account, shared by its team: a thread is read
 * once anyone opens it. Threads start with an inbound message; replies go out through `send`.
 */
export class InboxService {
  constructor(private readonly deps: { readonly store: InboxStore }) {}

  /**
   * A page of threads. The search box: digits look up a number prefix; anything else looks for a
   * contact's name (word prefixes) and for the text in the account's latest TEXT_SEARCH_SCAN messages.
   */
  async threads(
    accountId: number,
    query: { readonly q?: string; readonly before?: number; readonly country: string },
  ): Promise<ThreadPage> {
    const { store } = this.deps;
    const q = (query.q ?? '').trim().slice(0, 200);
    const search = q === '' ? undefined : parseContactSearch(q, query.country);
    const base = { accountId, before: query.before, limit: THREADS_PER_PAGE + 1 };
    let rows: Thread[];
    let searchedBy: ThreadPage['searchedBy'];
    if (!search) {
      rows = await store.listThreads(base);
    } else if (search.kind === 'number') {
      searchedBy = 'number';
      rows = await store.listThreads({ ...base, numberPrefix: search.prefix });
    } else {
      searchedBy = 'text';
      const byName =
        search.kind === 'name' ? await store.numbersByName(accountId, search, SEARCH_MATCHES) : [];
      const byText = await store.numbersByText(accountId, q, TEXT_SEARCH_SCAN, SEARCH_MATCHES);
      const numbers = [...new Set([...byName, ...byText])];
      rows = numbers.length === 0 ? [] : await store.listThreads({ ...base, numbers });
    }
    const more = rows.length > THREADS_PER_PAGE;
    const threads = more ? rows.slice(0, THREADS_PER_PAGE) : rows;
    return { threads, next: more ? threads[threads.length - 1]?.lastMessageId : undefined, searchedBy };
  }

  /** A thread's messages (the latest page, or older ones before `before`); undefined: no such thread. */
  async conversation(accountId: number, number: string, before?: number): Promise<Conversation | undefined> {
    const { store } = this.deps;
    const correspondent = await store.correspondent(accountId, number);
    if (!correspondent) return undefined;
    const rows = await store.threadMessages(accountId, number, before, MESSAGES_PER_PAGE + 1);
    const more = rows.length > MESSAGES_PER_PAGE;
    const page = more ? rows.slice(0, MESSAGES_PER_PAGE) : rows;
    return {
      correspondent,
      messages: [...page].reverse(),
      older: more ? page[page.length - 1]?.id : undefined,
    };
  }

  markRead(accountId: number, number: string): Promise<void> {
    return this.deps.store.markRead(accountId, number);
  }
}
