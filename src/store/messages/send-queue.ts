import type { Kysely, Transaction } from 'kysely';
import type { SendCommand, SendOutcome } from '../../domain/messages/outbound.js';
import {
  decideSends,
  messagesToQueue,
  settleSends,
  type SendFacts,
} from '../../domain/messages/send-decision.js';
import { GroupCommit } from '../../domain/common/group-commit.js';
import { insertQueuedMessages, sendView } from './messages-repo.js';
import type { Database } from '../schema.js';
import { uniqueConstraintName } from '../unique-violation.js';
import { optimisticReads, urgentWrites } from '../sqlite/write-priority.js';

/**
 * The `send` path's durable queue: each request's row is inserted as `queued` in a transaction shared
 * with the other sends of the same moment (group commit), and the caller's promise resolves once
 * that transaction committed — the 200 comes after the data is on disk. The store reads what the
 * batch needs and writes it; what becomes of each send (sender number, blocked recipient,
 * idempotency key) is decided by domain/messages/send-decision.ts in the same transaction, so no
 * fact can change between decision and write.
 */
export class SendQueue {
  private readonly batcher: GroupCommit<SendCommand, SendOutcome>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onQueued: () => void,
    /** Transactions in flight at once (GroupCommit): 1 on SQLite, a few on PostgreSQL. */
    parallel = 1,
  ) {
    this.batcher = new GroupCommit((items) => this.write(items), { maxBatch: 500, parallel });
  }

  enqueue(item: SendCommand): Promise<SendOutcome> {
    return this.batcher.submit(item);
  }

  drain(): Promise<void> {
    return this.batcher.drain();
  }

  private async write(items: readonly SendCommand[]): Promise<SendOutcome[]> {
    // Someone waits on each of these: ahead of the broadcast and dispatcher batches (SQLite).
    // On SQLite, one round trip to the writer thread: the reads on this thread, then BEGIN, the
    // inserts and COMMIT together (optimisticReads, lastStatement).
    const run = () =>
      urgentWrites(() =>
        optimisticReads(() => this.db.transaction().execute((trx) => writeSends(trx, items))),
      );
    let outcomes: SendOutcome[];
    try {
      outcomes = await run();
    } catch (error) {
      // Two transactions in flight (PostgreSQL) can both find an idempotency key unused and both
      // insert it; the unique index refuses the later. Run again, it sees the earlier's commit and
      // answers its msg_id, as the contract's replay does. (A batch of several would be split by
      // GroupCommit, but a batch of one would fail its caller with a 500.)
      if (uniqueConstraintName(error) === undefined) throw error;
      outcomes = await run();
    }
    if (outcomes.some((o) => o.kind === 'queued')) this.onQueued();
    return outcomes;
  }
}

/** What the batch needs to know of one account: the keys' earlier messages, then `sendView`. */
async function loadSendFacts(
  trx: Transaction<Database>,
  accountId: number,
  items: readonly SendCommand[],
): Promise<SendFacts> {
  const keys = [...new Set(items.map((i) => i.idempotencyKey).filter((k): k is string => k !== undefined))];
  const keyRows =
    keys.length === 0
      ? []
      : await trx
          .selectFrom('messages')
          .select(['id', 'idempotency_key', 'part_count', 'encoding', 'created_at'])
          .where('account_id', '=', accountId)
          .where('idempotency_key', 'in', keys)
          .execute();
  const view = await sendView(
    trx,
    accountId,
    items.map((i) => i.to),
  );
  const earlier = new Map(
    keyRows.map((r) => [
      r.idempotency_key ?? '',
      { id: r.id, partCount: r.part_count, encoding: r.encoding, createdAt: r.created_at },
    ]),
  );
  return { ...view, earlier };
}

async function writeSends(trx: Transaction<Database>, items: readonly SendCommand[]): Promise<SendOutcome[]> {
  const facts = new Map<number, SendFacts>();
  for (const accountId of new Set(items.map((i) => i.accountId))) {
    facts.set(
      accountId,
      await loadSendFacts(
        trx,
        accountId,
        items.filter((i) => i.accountId === accountId),
      ),
    );
  }
  const decisions = decideSends(items, (accountId) => {
    const view = facts.get(accountId);
    if (!view) throw new Error(`send batch: no view of account ${accountId}`);
    return view;
  });
  for (const decision of decisions) {
    if (decision.releaseKeyOf === undefined) continue;
    await trx
      .updateTable('messages')
      .set({ idempotency_key: null })
      .where('id', '=', decision.releaseKeyOf)
      .execute();
  }
  // The new messages in one statement (one round trip).
  const ids = await insertQueuedMessages(trx, messagesToQueue(decisions), true);
  return settleSends(decisions, ids);
}
