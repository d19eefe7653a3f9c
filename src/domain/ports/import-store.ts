import type { ConsentEntry, ConsentType } from './consent-log.js';
/**
 * What the CSV import needs from the database, defined here and implemented in
 * src/store/imports-repo.ts and src/store/contact-batch-repo.ts (wired in the composition root).
 */
import type { CsvEncoding } from '../imports/csv-encoding.js';
import type { Delimiter } from '../imports/csv-header.js';
import type { GroupRef, Language, RejectedRow } from '../imports/import-rows.js';
import type { NewEmail } from '../messages/outbound.js';

/**
 * `draft`: uploaded from the web page and checked, its bytes stored, waiting for the user's Start
 * (never claimed by the importer); Start makes it `pending`, exactly what import_contacts creates.
 */
export type ImportStatus = 'draft' | 'pending' | 'running' | 'completed' | 'failed';

export interface ImportCounts {
  readonly rowsRead: number;
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
  readonly rejected: number;
}

export const ZERO_COUNTS: ImportCounts = { rowsRead: 0, created: 0, updated: 0, skipped: 0, rejected: 0 };

export function addCounts(a: ImportCounts, b: ImportCounts): ImportCounts {
  return {
    rowsRead: a.rowsRead + b.rowsRead,
    created: a.created + b.created,
    updated: a.updated + b.updated,
    skipped: a.skipped + b.skipped,
    rejected: a.rejected + b.rejected,
  };
}

/** An import as stored. */
export interface ImportJob {
  readonly id: number;
  readonly accountId: number;
  readonly reportEmail: string;
  readonly overwrite: boolean;
  readonly groupId: number | null;
  readonly status: ImportStatus;
  readonly encoding: CsvEncoding;
  readonly delimiter: Delimiter;
  /** Last line whose outcome is committed (1 = only the header): where a resumed import goes on. */
  readonly checkpointLine: number;
  readonly counts: ImportCounts;
  readonly error: string | null;
  readonly reportSentAt: number | null;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  /** The uploaded file's name, when the client gave one. */
  readonly fileName: string | null;
  /** The file's header fields, as the importer reads them (null for imports made before they were kept). */
  readonly header: readonly string[] | null;
  /** The data rows the check counted: what rows_read reaches when done (null for older imports). */
  readonly rowsTotal: number | null;
}

/** A claimed import: `until` is both the lease's end and the token that proves it is still ours. */
export interface ImportLease {
  readonly importId: number;
  readonly until: number;
}

/** Thrown when another worker took the import over (our lease expired): our work is rolled back. */
export class LeaseLost extends Error {
  constructor(importId: number) {
    super(`lease on import ${importId} was lost`);
    this.name = 'LeaseLost';
  }
}

export interface ResolvedGroup {
  readonly id: number;
  /** 'all' is Tous, 'blocked' is Blocked, null a user's group. */
  readonly systemKind: 'all' | 'blocked' | null;
}

export interface ExistingContact {
  readonly id: number;
  readonly number: string | null;
  readonly email: string | null;
}

export interface PlannedInsert {
  readonly number: string | null;
  readonly email: string | null;
  readonly name: string;
  readonly description: string;
  readonly language: Language;
  readonly blocked: boolean;
  /** The contact's IANA zone (the `timezone` column), null: none. */
  readonly timeZone: string | null;
}

/** The fields an overwrite changes; undefined leaves a field as it is. */
export interface PlannedUpdate {
  readonly id: number;
  readonly number: string | undefined;
  readonly email: string | undefined;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly language: Language | undefined;
  readonly timeZone: string | undefined;
}

export interface Membership {
  readonly contactId: number;
  readonly groupId: number;
}

/** A batch's outcome, committed with the contacts in the same transaction. */
export interface BatchProgress {
  readonly checkpointLine: number;
  readonly counts: ImportCounts;
  /** Rejected rows with their values (the store keeps the first KEPT_ERRORS of an import). */
  readonly errors: readonly RejectedRow[];
}

/** One batch's transaction, bound to an account, an import and its lease. */
export interface ImportBatchTx {
  findContacts(numbers: readonly string[], emails: readonly string[]): Promise<ExistingContact[]>;
  /** Groups by id and by (case-insensitive) name; names that do not exist are created. */
  resolveGroups(
    ids: readonly number[],
    names: readonly string[],
  ): Promise<{ byId: Map<number, ResolvedGroup>; byName: Map<string, ResolvedGroup> }>;
  /** Inserts in order; the id of each row, or undefined where a concurrent writer took its number/email. */
  insertContacts(rows: readonly PlannedInsert[]): Promise<(number | undefined)[]>;
  updateContacts(rows: readonly PlannedUpdate[]): Promise<void>;
  addMemberships(rows: readonly Membership[]): Promise<void>;
  blockContacts(ids: readonly number[]): Promise<void>;
  /** Appends the batch's consent entries (a few multi-row statements, never one per row). */
  recordConsent(entries: readonly ConsentEntry[]): Promise<void>;
  /** Advances the checkpoint and counters and renews the lease; throws LeaseLost when it is not ours. */
  recordProgress(progress: BatchProgress): Promise<void>;
}

export interface NewImport {
  readonly accountId: number;
  readonly reportEmail: string;
  readonly overwrite: boolean;
  readonly groupId: number | null;
  readonly encoding: CsvEncoding;
  readonly delimiter: Delimiter;
  readonly byteSize: number;
  readonly fileName: string | null;
  readonly header: readonly string[];
  readonly rowsTotal: number;
  /** Kept as a draft until the user starts it (the web page's preview), or pending at once (the API). */
  readonly draft: boolean;
}

/** One rejected row kept for the error report, with the row's values as read. */
export interface RejectedRowRecord {
  readonly id: number;
  readonly line: number;
  readonly reason: string;
  readonly values: readonly string[];
}

/** An account's settings an import uses. */
export interface ImportAccount {
  readonly id: number;
  readonly defaultLanguage: Language;
  readonly defaultCountry: string;
  readonly mailFrom: string | null;
  /** CASL: the consent type the imported contacts get (the account's default). */
  readonly consentType: ConsentType;
}

export interface ImportStore {
  /** The user's stored email when `email` names a user of the account. */
  findUserEmail(accountId: number, email: string): Promise<string | undefined>;
  findGroup(accountId: number, ref: GroupRef): Promise<ResolvedGroup | undefined>;
  /** Stores the import and every chunk of its bytes in one transaction; resolves after the commit. */
  createImport(input: NewImport, chunks: AsyncIterable<Buffer>, now: number): Promise<number>;
  findImport(accountId: number, id: number): Promise<ImportJob | undefined>;
  /** The first `limit` rejected rows, by line. */
  listErrors(importId: number, limit: number): Promise<RejectedRow[]>;
  /** The account's imports, newest first, older than `beforeId` when given. */
  listImports(accountId: number, limit: number, beforeId: number | undefined): Promise<ImportJob[]>;
  /** A page of kept rejected rows with their values, in line order, after the row `afterId`. */
  listRejectedRows(importId: number, afterId: number, limit: number): Promise<RejectedRowRecord[]>;
  /** draft → pending (the importer may claim it from now on); false when it was not a draft. */
  confirmDraft(accountId: number, id: number): Promise<boolean>;
  /** Deletes a draft and its bytes; false when it was not a draft of this account. */
  deleteDraft(accountId: number, id: number): Promise<boolean>;
  /** Deletes the drafts created before `before` (uploads never started nor cancelled). */
  deleteDraftsBefore(before: number): Promise<number>;
  findAccount(accountId: number): Promise<ImportAccount | undefined>;

  /**
   * Claims the oldest import with work left (pending, running with an expired lease, or finished with
   * its report unsent and an expired lease); pending becomes running.
   */
  claimImport(now: number, leaseMs: number): Promise<{ job: ImportJob; lease: ImportLease } | undefined>;
  renewLease(lease: ImportLease, now: number, leaseMs: number): Promise<ImportLease>;
  /** Gives the import back: another worker may claim it from `until` on. */
  releaseLease(lease: ImportLease, until: number): Promise<void>;
  /** The stored bytes, one chunk at a time, in order. */
  readChunks(importId: number): AsyncIterable<Buffer>;
  /** Runs `work` in one transaction; recordProgress inside it renews the lease (returned). */
  runBatch<T>(
    lease: ImportLease,
    account: ImportAccount,
    now: number,
    leaseMs: number,
    work: (tx: ImportBatchTx) => Promise<T>,
  ): Promise<{ result: T; lease: ImportLease }>;
  /** Marks the import completed or failed and drops its stored bytes. */
  finishImport(
    lease: ImportLease,
    outcome: 'completed' | 'failed',
    error: string | null,
    now: number,
  ): Promise<void>;
  /**
   * Queues the report email (the email dispatcher sends it, with its retries) and records it as
   * sent, in one transaction, only while `lease` holds: two workers never both queue it.
   * Throws LeaseLost when another worker has taken the import over.
   */
  queueReport(lease: ImportLease, report: NewEmail): Promise<void>;
}
