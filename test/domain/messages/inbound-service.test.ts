import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Language } from '../../../src/domain/contacts/address-book.js';
import { InboundService, type ReceivedMessage } from '../../../src/domain/messages/inbound-service.js';
import type { QueueKind } from '../../../src/domain/messages/message-events.js';
import type { NewOutboundMessage } from '../../../src/domain/messages/outbound.js';
import type {
  InboundStore,
  NewInboundMessage,
  OptedOutContact,
  OptOutContact,
  UnroutedSms,
} from '../../../src/domain/ports/inbound-store.js';
import type { Logger } from '../../../src/domain/ports/logger.js';
import type { StoreTransaction } from '../../../src/domain/ports/transaction.js';

// An opaque token: the fake store hands it to the service and never looks inside.
const TX = {} as StoreTransaction;
const AT = Date.parse('2024-05-01T12:00:00Z');

/** An account 1 sending from 15149541234, in memory; a transaction is a list of writes kept on commit. */
class FakeInboundStore implements InboundStore {
  senders = new Map([['15149541234', 1]]);
  contacts = new Map<string, { id: number; language: Language; blocked: boolean }>();
  suppressed = new Set<string>();
  /** Broadcasts whose queued messages a STOP cancels. */
  queuedBroadcasts: number[] = [];
  unrouted: UnroutedSms[] = [];
  inbound: NewInboundMessage[] = [];
  queued: NewOutboundMessage[] = [];
  commits = 0;

  async accountOfSender(number: string) {
    return this.senders.get(number);
  }
  async keepUnrouted(sms: UnroutedSms) {
    this.unrouted.push(sms);
    return this.unrouted.length;
  }
  async transaction<T>(work: (tx: StoreTransaction) => Promise<T>) {
    const result = await work(TX);
    this.commits++;
    return result;
  }
  async accountLanguage(): Promise<Language> {
    return 'en';
  }
  async optOut(
    _tx: StoreTransaction,
    subject: { number: string; language: Language },
  ): Promise<OptedOutContact> {
    this.suppressed.add(subject.number);
    const contact = this.contacts.get(subject.number) ?? {
      id: 100 + this.contacts.size,
      language: subject.language,
      blocked: true,
    };
    this.contacts.set(subject.number, { ...contact, blocked: true });
    return {
      contactId: contact.id,
      language: contact.language,
      cancelledBroadcastIds: this.queuedBroadcasts,
    };
  }
  async optIn(_tx: StoreTransaction, subject: { number: string }): Promise<OptOutContact | undefined> {
    this.suppressed.delete(subject.number);
    const contact = this.contacts.get(subject.number);
    if (!contact) return undefined;
    this.contacts.set(subject.number, { ...contact, blocked: false });
    return { contactId: contact.id, language: contact.language };
  }
  async contactIdByNumber(_tx: StoreTransaction, _accountId: number, number: string) {
    return this.contacts.get(number)?.id ?? null;
  }
  async insertInbound(_tx: StoreTransaction, sms: NewInboundMessage) {
    this.inbound.push(sms);
    return 500 + this.inbound.length;
  }
  async queueMessage(_tx: StoreTransaction, message: NewOutboundMessage) {
    this.queued.push(message);
    return 900 + this.queued.length;
  }
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function setup(hooksPerMessage = 0) {
  const store = new FakeInboundStore();
  const received: ReceivedMessage[] = [];
  const woken: QueueKind[] = [];
  const cancelledBroadcasts: number[] = [];
  const service = new InboundService({
    store,
    log: silent,
    onReceived: async (message) => {
      received.push(message);
      return hooksPerMessage;
    },
    notifyQueued: (kind) => woken.push(kind),
    onBroadcastMessagesCancelled: async (ids) => void cancelledBroadcasts.push(...ids),
  });
  const receive = (text: string, from = '+1 514 555-0001', to = '+15149541234') =>
    service.receive({ from, to, text, partCount: 1, receivedAt: AT });
  return { store, received, woken, receive, cancelledBroadcasts };
}

describe('InboundService (MO)', () => {
  it('stores a message for the account of its destination, linked to the sender’s contact', async () => {
    const { store, received, woken, receive } = setup(2);
    store.contacts.set('15145550001', { id: 7, language: 'fr', blocked: false });
    const result = await receive('Météo, ça va?');
    assert.deepEqual(result, { routed: true, accountId: 1, messageId: 501, contactId: 7 });
    assert.deepEqual(store.inbound, [
      {
        accountId: 1,
        from: '15145550001',
        to: '15149541234',
        body: 'Météo, ça va?',
        partCount: 1,
        encoding: 'UCS-2',
        contactId: 7,
        receivedAt: AT,
      },
    ]);
    assert.deepEqual(received, [
      {
        accountId: 1,
        messageId: 501,
        from: '15145550001',
        to: '15149541234',
        text: 'Météo, ça va?',
        partCount: 1,
        receivedAt: AT,
      },
    ]);
    assert.deepEqual(woken, ['webhook']);
    assert.equal(store.commits, 1);
  });

  it('keeps a message to a number no account sends from, outside any transaction', async () => {
    const { store, received, woken, receive } = setup(1);
    const result = await receive('Perdu?', '15145550001', '15140000000');
    assert.deepEqual(result, { routed: false, unroutedId: 1 });
    assert.deepEqual(store.unrouted, [
      { from: '15145550001', to: '15140000000', body: 'Perdu?', partCount: 1, receivedAt: AT },
    ]);
    assert.deepEqual([store.inbound, received, woken, store.commits], [[], [], [], 0]);
  });

  it('STOP from an unknown number blocks it, links the message to the new contact and confirms once', async () => {
    const { store, woken, receive } = setup();
    const result = await receive('Stop!');
    assert.deepEqual(result, {
      routed: true,
      accountId: 1,
      messageId: 501,
      contactId: 100,
      optOut: { action: 'stop', confirmationId: 901 },
    });
    assert.ok(store.suppressed.has('15145550001'));
    assert.equal(store.inbound[0]?.contactId, 100);
    // STOP tells no language: the account's (en) is used.
    assert.deepEqual(
      store.queued.map((m) => [m.from, m.to, m.contactId, m.priority, m.partCount, m.encoding]),
      [['15149541234', '15145550001', 100, 0, 1, 'GSM-7']],
    );
    assert.match(store.queued[0]?.body ?? '', /^You are unsubscribed/);
    assert.deepEqual(woken, ['sms']);
  });

  it('STOP hands the broadcasts whose queued messages it cancelled to the completion decision', async () => {
    const { store, receive, cancelledBroadcasts } = setup();
    await receive('STOP');
    assert.deepEqual(cancelledBroadcasts, []);
    store.queuedBroadcasts = [7, 9];
    await receive('STOP', '+1 514 555-0002');
    assert.deepEqual(cancelledBroadcasts, [7, 9]);
  });

  it('answers in the contact’s language, and ARRET in French without one', async () => {
    const known = setup();
    known.store.contacts.set('15145550001', { id: 7, language: 'en', blocked: false });
    await known.receive('ARRÊT');
    assert.match(known.store.queued[0]?.body ?? '', /^You are unsubscribed/);
    const unknown = setup();
    await unknown.receive('arret');
    assert.match(unknown.store.queued[0]?.body ?? '', /^Désabonnement confirmé/);
  });

  it('START unblocks the contact, and confirms even to a number without one', async () => {
    const { store, receive } = setup();
    store.contacts.set('15145550001', { id: 7, language: 'fr', blocked: true });
    store.suppressed.add('15145550001');
    const result = await receive('START');
    assert.ok(result.routed && result.optOut?.action === 'start');
    assert.equal(store.contacts.get('15145550001')?.blocked, false);
    assert.ok(!store.suppressed.has('15145550001'));
    const stranger = await receive('start', '15145550002');
    assert.ok(stranger.routed && stranger.contactId === null);
    assert.equal(store.queued.length, 2);
    assert.equal(store.queued[1]?.contactId, null);
  });
});
