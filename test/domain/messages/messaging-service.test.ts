import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueueKind } from '../../../src/domain/messages/message-events.js';
import { MessagingService } from '../../../src/domain/messages/messaging-service.js';
import type {
  FeedFilter,
  NewEmail,
  SendCommand,
  SendOutcome,
} from '../../../src/domain/messages/outbound.js';
import type { MessagesStore } from '../../../src/domain/ports/messages-store.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');

class FakeMessagesStore implements MessagesStore {
  sends: SendCommand[] = [];
  filters: FeedFilter[] = [];
  emails: NewEmail[] = [];
  outcome: SendOutcome = { kind: 'queued', id: 11, partCount: 1, encoding: 'GSM-7' };

  async enqueueSend(command: SendCommand) {
    this.sends.push(command);
    return this.outcome;
  }
  async listFeed(filter: FeedFilter) {
    this.filters.push(filter);
    return [];
  }
  async queueEmail(email: NewEmail) {
    this.emails.push(email);
    return 21;
  }
}

function setup() {
  const store = new FakeMessagesStore();
  const woken: QueueKind[] = [];
  const service = new MessagingService({
    store,
    events: { notifyQueued: (kind?: QueueKind) => woken.push(kind ?? 'sms') },
    now: () => NOW,
    mailFrom: 'platform@example.com',
  });
  return { store, woken, service };
}

const request = {
  to: '15145550001',
  body: 'Salut',
  partCount: 1,
  encoding: 'GSM-7' as const,
  from: undefined,
  idempotencyKey: 'k',
};

describe('MessagingService', () => {
  it('sends for the account, accepted now, and answers the queued message', async () => {
    const { store, service } = setup();
    assert.deepEqual(await service.send(3, request), {
      kind: 'queued',
      id: 11,
      partCount: 1,
      encoding: 'GSM-7',
    });
    assert.deepEqual(store.sends, [{ accountId: 3, acceptedAt: NOW, ...request }]);
  });

  it('turns the store’s refusals into the contract’s errors', async () => {
    const { store, service } = setup();
    store.outcome = { kind: 'unknown_sender' };
    await assert.rejects(service.send(3, request), { message: 'from is not one of your sender numbers' });
    store.outcome = { kind: 'blocked' };
    await assert.rejects(service.send(3, request), { message: 'recipient is blocked' });
  });

  it('reads the feed of the account with the query’s bounds', async () => {
    const { store, service } = setup();
    await service.feed(3, { startAt: 5, timeZone: 'UTC', direction: 'all', sinceId: 9, limit: 10 });
    assert.deepEqual(store.filters, [{ accountId: 3, direction: 'all', startAt: 5, sinceId: 9, limit: 10 }]);
  });

  it('queues an email from the account’s address, else the platform’s, and wakes the email dispatcher', async () => {
    const { store, woken, service } = setup();
    const email = { to: 'a@example.com', subject: 'S', body: 'B', format: 'text' as const };
    assert.equal(await service.sendEmail({ id: 3, mailFrom: 'radio@example.com' }, email), 21);
    await service.sendEmail({ id: 4, mailFrom: null }, email);
    assert.deepEqual(
      store.emails.map((e) => [e.accountId, e.kind, e.from, e.to, e.subject, e.body, e.format, e.acceptedAt]),
      [
        [3, 'api', 'radio@example.com', 'a@example.com', 'S', 'B', 'text', NOW],
        [4, 'api', 'platform@example.com', 'a@example.com', 'S', 'B', 'text', NOW],
      ],
    );
    assert.deepEqual(woken, ['email', 'email']);
  });
});
