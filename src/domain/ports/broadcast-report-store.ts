import type { CaslFooter } from '../consent/casl-footer.js';
import type { RecipientSelection, TargetGroup } from '../broadcasts/broadcast-recipients.js';

/** Recipients a selection reaches now: SMS per contact language, and emails. */
export interface BroadcastReach {
  readonly smsFr: number;
  readonly smsEn: number;
  readonly email: number;
}

/** The failed SMS of a broadcast sharing one receipt status (`UNDELIV_300`) or one refusal text. */
export interface FailureGroup {
  readonly detailedStatus: string | null;
  readonly error: string | null;
  readonly count: number;
}

/** One SMS of a broadcast and what became of it, for the per-recipient export. */
export interface RecipientOutcome {
  readonly messageId: number;
  readonly toNumber: string;
  /** The contact's name and language now ('' when the contact was deleted since). */
  readonly contactName: string;
  readonly language: string;
  readonly status: string;
  readonly detailedStatus: string | null;
  readonly error: string | null;
  readonly partCount: number;
  readonly createdAt: number;
  readonly doneAt: number | null;
}

/**
 * What the web pages of broadcasts need beyond the §7 endpoints: the recipient count before a start
 * (the start's own selection query, store/broadcasts/broadcast-start.ts `recipientRows`), failures
 * by status, and the per-recipient outcomes read in keyset batches (never a whole broadcast in
 * memory). Implemented by src/store/broadcasts/broadcast-report-repo.ts.
 */
export interface BroadcastReportStore {
  /** The account's CASL footer (what a commercial broadcast's SMS ends with, counted in its parts). */
  caslFooter(accountId: number): Promise<CaslFooter>;
  /** The account's groups with these ids; undefined when one is not the account's. */
  groupTargets(accountId: number, groupIds: readonly number[]): Promise<TargetGroup[] | undefined>;
  /** The targeted groups of a broadcast of the account. */
  broadcastTargets(accountId: number, broadcastId: number): Promise<TargetGroup[]>;
  countReach(accountId: number, selection: RecipientSelection): Promise<BroadcastReach>;
  failures(broadcastId: number): Promise<FailureGroup[]>;
  outcomes(broadcastId: number): AsyncIterable<RecipientOutcome>;
}
