import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageEvents, type MessageStatusEvent } from '../../../src/domain/messages/message-events.js';
import { ReceiptService } from '../../../src/domain/messages/receipt-service.js';
import type {
  FinalState,
  PartCandidate,
  PartState,
  PartUpdate,
  ReceiptStore,
  Suppression,
  UnmatchedReceiptRow,
} from '../../../src/domain/ports/receipt-store.js';
import type { StoreTransaction } from '../../../src/domain/ports/transaction.js';
import type { DeliveryReceipt } from '../../../src/domain/ports/transports.js';
import { normaliseCarrierId } from '../../../src/domain/sms/carrier-id.js';

const NOW = 1_700_000_000_000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const TX = {} as StoreTransaction;

interface Message {
  id: number;
  status: string;
  part_count: number;
  attempts: number;
  detailed_status: string | null;
}

/** messages, their parts, suppressions and kept receipts, in memory. */
class FakeReceiptStore implements ReceiptStore {
  messages = new Map<number, Message>();
  parts: (PartState & { carrier_key: string })[] = [];
  suppressed: Suppression[] = [];
  unmatched: UnmatchedReceiptRow[] = [];
  finished = 0;

  /** A `sent` message of `carrierIds.length` parts. */
  addSent(id: number, carrierIds: readonly string[], attempts = 1): void {
    this.messages.set(id, {
      id,
      status: 'sent',
      part_count: carrierIds.length,
      attempts,
      detailed_status: null,
    });
    carrierIds.forEach((carrierId, seq) =>
      this.parts.push({
        message_id: id,
        seq,
        carrier_key: normaliseCarrierId(carrierId),
        status: 'sent',
        stat: null,
        err: null,
      }),
    );
  }
  async transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return work(TX);
  }
  async findPartsByKeys(_tx: StoreTransaction, keys: readonly string[]): Promise<PartCandidate[]> {
    return this.parts.flatMap((p) => {
      const m = this.messages.get(p.message_id);
      if (!m || !keys.includes(p.carrier_key)) return [];
      return [
        {
          message_id: p.message_id,
          seq: p.seq,
          carrier_key: p.carrier_key,
          part_status: p.status,
          account_id: 7,
          broadcast_id: null,
          to_number: '15145550000',
          part_count: m.part_count,
          message_status: m.status,
          attempts: m.attempts,
        },
      ];
    });
  }
  async lockMessages(): Promise<void> {}
  async updateParts(_tx: StoreTransaction, updates: readonly PartUpdate[]): Promise<void> {
    for (const u of updates) {
      const part = this.parts.find((p) => p.message_id === u.messageId && p.seq === u.seq);
      if (part) Object.assign(part, { status: u.status, stat: u.stat, err: u.err });
    }
  }
  async listParts(_tx: StoreTransaction, ids: readonly number[]): Promise<PartState[]> {
    return this.parts.filter((p) => ids.includes(p.message_id));
  }
  async requeueAfterReceipt(_tx: StoreTransaction, id: number, detailed: string): Promise<boolean> {
    const m = this.messages.get(id);
    if (m?.status !== 'sent') return false;
    Object.assign(m, { status: 'queued', detailed_status: detailed });
    this.parts = this.parts.filter((p) => p.message_id !== id);
    return true;
  }
  async finishMessages(_tx: StoreTransaction, finals: readonly FinalState[]): Promise<Set<number>> {
    const changed = new Set<number>();
    for (const f of finals) {
      const m = this.messages.get(f.id);
      if (m?.status !== 'sent') continue;
      Object.assign(m, { status: f.status, detailed_status: f.detailedStatus });
      changed.add(f.id);
      this.finished++;
    }
    return changed;
  }
  async suppressNumbers(_tx: StoreTransaction, entries: readonly Suppression[]): Promise<Suppression[]> {
    this.suppressed.push(...entries);
    return [...entries];
  }
  async insertUnmatchedReceipts(_tx: StoreTransaction, receipts: readonly DeliveryReceipt[]): Promise<void> {
    for (const r of receipts)
      this.unmatched.push({
        id: this.unmatched.length + 1,
        carrier_id: r.carrierId,
        stat: r.stat,
        err: r.err,
        done_at: null,
        received_at: NOW,
      });
  }
  async claimUnmatchedReceipts(): Promise<UnmatchedReceiptRow[]> {
    return [...this.unmatched].reverse();
  }
  async deleteUnmatchedReceipts(_tx: StoreTransaction, ids: readonly number[]): Promise<void> {
    this.unmatched = this.unmatched.filter((r) => !ids.includes(r.id));
  }
  async purgeUnmatchedReceipts(): Promise<number> {
    return 0;
  }
}

function setup(receiptRetries = 0) {
  const store = new FakeReceiptStore();
  const events = new MessageEvents();
  const finals: MessageStatusEvent[] = [];
  let queued = 0;
  events.onFinal(async (e) => void finals.push(...e));
  events.onQueued('sms', () => queued++);
  const service = new ReceiptService({ store, events, log: silent, now: () => NOW, receiptRetries });
  return { store, service, finals, queued: () => queued };
}

const receipt = (carrierId: string, stat: string, err: string): DeliveryReceipt => ({ carrierId, stat, err });

describe('ReceiptService', () => {
  it('settles a 3-part message once, when its last part is delivered', async () => {
    const { store, service, finals } = setup();
    store.addSent(1, ['A1', 'A2', 'A3']);
    await service.applyReceipts([receipt('A1', 'DELIVRD', '000'), receipt('A3', 'DELIVRD', '000')]);
    assert.equal(store.messages.get(1)?.status, 'sent');
    await service.applyReceipts([receipt('A2', 'DELIVRD', '000')]);
    await service.applyReceipts([receipt('A2', 'DELIVRD', '000')]); // a duplicate
    assert.equal(store.messages.get(1)?.status, 'delivered');
    assert.equal(store.finished, 1);
    assert.deepEqual(
      finals.map((e) => [e.messageId, e.status, e.detailedStatus]),
      [[1, 'delivered', 'DELIVRD_000']],
    );
  });

  it('fails a multi-part message on its first failed part', async () => {
    const { store, service, finals } = setup();
    store.addSent(2, ['B1', 'B2']);
    await service.applyReceipts([receipt('B1', 'EXPIRED', '102'), receipt('B2', 'ENROUTE', '000')]);
    assert.equal(store.messages.get(2)?.status, 'failed');
    assert.deepEqual(
      finals.map((e) => [e.messageId, e.status, e.detailedStatus]),
      [[2, 'failed', 'EXPIRED_102']],
    );
  });

  it('suppresses the number on a "Supprimer ce destinataire" code', async () => {
    const { store, service } = setup();
    store.addSent(3, ['C1']);
    await service.applyReceipts([receipt('C1', 'UNDELIV', '200')]);
    assert.deepEqual(store.suppressed, [{ accountId: 7, number: '15145550000', reason: 'UNDELIV_200' }]);
  });

  it('sends again after a "Réessayer plus tard" receipt while retries are left, and wakes the dispatcher', async () => {
    const { store, service, finals, queued } = setup(1);
    store.addSent(4, ['D1'], 1);
    await service.applyReceipts([receipt('D1', 'EXPIRED', '101')]);
    assert.equal(store.messages.get(4)?.status, 'queued');
    assert.deepEqual(finals, [], 'a retried message is not final');
    assert.equal(queued(), 1);
    store.addSent(5, ['E1'], 2); // its retry used up
    await service.applyReceipts([receipt('E1', 'EXPIRED', '101')]);
    assert.equal(store.messages.get(5)?.status, 'failed');
  });

  it('keeps a receipt that beats its part and applies it at the next sweep', async () => {
    const { store, service } = setup();
    assert.equal(await service.applyReceipts([receipt('F1', 'DELIVRD', '000')]), 1);
    assert.equal(store.unmatched.length, 1);
    assert.equal(await service.sweepUnmatched(), 0, 'still no part');
    store.addSent(6, ['F1']);
    assert.equal(await service.sweepUnmatched(), 1);
    assert.equal(store.messages.get(6)?.status, 'delivered');
    assert.equal(store.unmatched.length, 0);
  });
});
