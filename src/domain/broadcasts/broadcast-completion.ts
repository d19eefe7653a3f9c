import type { MessageStatusListener } from '../messages/message-events.js';
import type { BroadcastCompletionStore } from '../ports/broadcast-queue.js';
import type { Logger } from '../ports/logger.js';
import type { StoreTransaction } from '../ports/transaction.js';

/**
 * When a broadcast is complete: its fan-out is finished and none of its SMS and emails is still in
 * one of these states. Everything else is final (delivered, failed, cancelled; emails sent, failed,
 * cancelled). The store checks it in one statement (BroadcastCompletionStore.completeIfDone).
 */
export const UNSETTLED_SMS_STATES: readonly string[] = ['queued', 'sending', 'sent'];
export const UNSETTLED_EMAIL_STATES: readonly string[] = ['queued', 'sending'];

export interface BroadcastCompletionDeps {
  readonly store: BroadcastCompletionStore;
  readonly log: Logger;
  readonly now: () => number;
}

/**
 * The one place a broadcast becomes completed. Called by the listener of settled messages
 * (completeBroadcastsOnFinal, inside the transaction that settled them: the broadcast completes the
 * instant its last SMS settles), by the fan-out when it queued its last batch (a broadcast whose
 * every message failed at rendering has nothing left to wait for), and by the fan-out worker's
 * sweep, the backstop for outcomes recorded without the listener (the email dispatcher's).
 */
export class BroadcastCompletion {
  constructor(private readonly deps: BroadcastCompletionDeps) {}

  /**
   * Completes those of these broadcasts that are done; returns their ids. In id order: each check
   * locks its broadcast's row, and two transactions taking them in different orders could deadlock.
   */
  async completeIfDone(broadcastIds: Iterable<number>, tx?: StoreTransaction): Promise<number[]> {
    const completed: number[] = [];
    for (const id of [...new Set(broadcastIds)].sort((a, b) => a - b)) {
      if (await this.deps.store.completeIfDone(id, this.deps.now(), tx)) completed.push(id);
    }
    return completed;
  }

  /** The backstop: checks every started broadcast whose fan-out is finished. */
  async sweep(): Promise<void> {
    for (const id of await this.deps.store.awaitingCompletion()) {
      if ((await this.completeIfDone([id])).length > 0)
        this.deps.log.info({ broadcast: id }, 'broadcast completed');
    }
  }
}

/**
 * The MessageEvents.onFinal listener: the broadcasts of the settled messages are checked inside the
 * recording transaction, so a completion commits (or rolls back) with the outcome that caused it.
 */
export function completeBroadcastsOnFinal(completion: BroadcastCompletion): MessageStatusListener {
  return async function completeBroadcastsOnFinal(events, tx) {
    const ids = events.flatMap((e) => (e.broadcastId === null ? [] : [e.broadcastId]));
    if (ids.length > 0) await completion.completeIfDone(ids, tx);
  };
}
