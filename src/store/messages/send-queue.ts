import type { Kysely, Transaction } from 'kysely';
import { IDEMPOTENCY_WINDOW_MS, type SendCommand, type SendOutcome } from '../../domain/messages/outbound.js';
import { GroupCommit } from '../../domain/common/group-commit.js';
import { insertQueuedMessages, sendView, type NewOutboundMessage, type SendView } from './messages-repo.js';
import type { Database } from '../schema.js';
import { urgentWrites } from '../sqlite/write-priority.js';

interface AccountView extends SendView {
  keys: Map<string, { id: number; part_count: number; encoding: string; created_at: number }>;
}

/**
 * The `send` path's durable queue: each request's row is inserted as `queued` in a transaction shared
 * with the other sends of the same moment (group commit), and the caller's promise resolves once
 * that transaction committed — the 200 comes after the data is on disk. The checks that need the
 * store (sender number, blocked recipient, idempotency key) run in the same transaction as the
 * insert, so none can change between check and write.
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
    const outcomes = await urgentWrites(() => this.db.transaction().execute((trx) => writeSends(trx, items)));
    if (outcomes.some((o) => o.kind === 'queued')) this.onQueued();
    return outcomes;
  }
}

async function loadAccountView(
  trx: Transaction<Database>,
  accountId: number,
  items: readonly SendCommand[],
): Promise<AccountView> {
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
  return { ...view, keys: new Map(keyRows.map((r) => [r.idempotency_key ?? '', r])) };
}

async function writeSends(trx: Transaction<Database>, items: readonly SendCommand[]): Promise<SendOutcome[]> {
  const views = new Map<number, AccountView>();
  for (const accountId of new Set(items.map((i) => i.accountId))) {
    views.set(
      accountId,
      await loadAccountView(
        trx,
        accountId,
        items.filter((i) => i.accountId === accountId),
      ),
    );
  }
  // Decide every item first, then insert the new ones in one statement (one round trip).
  const outcomes: (SendOutcome | undefined)[] = [];
  const inserts: { index: number; message: NewOutboundMessage }[] = [];
  const firstUse = new Map<string, number>(); // account + key → index of the item that inserts it
  const sameAs = new Map<number, number>();
  for (const [index, item] of items.entries()) {
    const view = views.get(item.accountId);
    if (!view) throw new Error(`send batch: no view of account ${item.accountId}`);
    if (item.from !== undefined && !view.senders.includes(item.from)) {
      outcomes[index] = { kind: 'unknown_sender' };
      continue;
    }
    const key = item.idempotencyKey;
    if (key !== undefined) {
      const earlier = view.keys.get(key);
      if (earlier && earlier.created_at > item.acceptedAt - IDEMPOTENCY_WINDOW_MS) {
        outcomes[index] = {
          kind: 'replayed',
          id: earlier.id,
          partCount: earlier.part_count,
          encoding: earlier.encoding,
        };
        continue;
      }
      if (earlier) {
        // Older than the window: the key is free again. The old message keeps everything but the key.
        await trx
          .updateTable('messages')
          .set({ idempotency_key: null })
          .where('id', '=', earlier.id)
          .execute();
        view.keys.delete(key);
      }
      const first = firstUse.get(`${item.accountId} ${key}`);
      if (first !== undefined) {
        sameAs.set(index, first);
        continue;
      }
    }
    const recipient = view.recipients.get(item.to);
    if (recipient?.blocked) {
      outcomes[index] = { kind: 'blocked' };
      continue;
    }
    if (key !== undefined) firstUse.set(`${item.accountId} ${key}`, index);
    inserts.push({
      index,
      message: {
        accountId: item.accountId,
        from: item.from ?? view.senders[0] ?? '',
        to: item.to,
        body: item.body,
        partCount: item.partCount,
        encoding: item.encoding,
        contactId: recipient?.contactId ?? null,
        priority: 0,
        idempotencyKey: key ?? null,
        acceptedAt: item.acceptedAt,
      },
    });
  }
  const ids = await insertQueuedMessages(
    trx,
    inserts.map((i) => i.message),
  );
  inserts.forEach(({ index, message }, i) => {
    const id = ids[i];
    if (id === undefined) throw new Error('send batch: an insert returned no id');
    outcomes[index] = { kind: 'queued', id, partCount: message.partCount, encoding: message.encoding };
  });
  for (const [index, first] of sameAs) {
    const outcome = outcomes[first];
    outcomes[index] =
      outcome && 'id' in outcome
        ? { kind: 'replayed', id: outcome.id, partCount: outcome.partCount, encoding: outcome.encoding }
        : outcome;
  }
  return outcomes.map((outcome) => {
    if (!outcome) throw new Error('send batch: an item was left without an outcome');
    return outcome;
  });
}
