import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SendCommand } from '../../../src/domain/messages/outbound.js';
import {
  decideSends,
  IDEMPOTENCY_WINDOW_MS,
  messagesToQueue,
  settleSends,
  type SendFacts,
} from '../../../src/domain/messages/send-decision.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');

function command(overrides: Partial<SendCommand> = {}): SendCommand {
  return {
    accountId: 1,
    to: '15145550001',
    from: undefined,
    body: 'Salut',
    partCount: 1,
    encoding: 'GSM-7',
    idempotencyKey: undefined,
    acceptedAt: NOW,
    ...overrides,
  };
}

function facts(overrides: Partial<SendFacts> = {}): SendFacts {
  return {
    senders: ['15149541234', '15149540000'],
    recipients: new Map([
      ['15145550001', { contactId: 7, blocked: false }],
      ['15145550002', { contactId: 8, blocked: true }],
      ['15145550003', { contactId: null, blocked: true }],
    ]),
    earlier: new Map(),
    ...overrides,
  };
}

describe('the send decision (contract §3.2)', () => {
  it('refuses every send of an account without a sender number: no mt message without a from', () => {
    const decisions = decideSends([command(), command({ idempotencyKey: 'k' })], () =>
      facts({ senders: [] }),
    );
    assert.deepEqual(decisions, [{ kind: 'no_sender' }, { kind: 'no_sender' }]);
    assert.deepEqual(settleSends(decisions, []), [{ kind: 'no_sender' }, { kind: 'no_sender' }]);
  });

  it('queues from the account’s first sender, linked to the contact', () => {
    const [decision] = decideSends([command()], () => facts());
    assert.deepEqual(decision, {
      kind: 'queue',
      message: {
        accountId: 1,
        from: '15149541234',
        to: '15145550001',
        body: 'Salut',
        partCount: 1,
        encoding: 'GSM-7',
        contactId: 7,
        priority: 0,
        idempotencyKey: null,
        acceptedAt: NOW,
      },
    });
  });

  it('queues from the sender asked for, and refuses one the account does not have', () => {
    const decisions = decideSends([command({ from: '15149540000' }), command({ from: '15140000000' })], () =>
      facts(),
    );
    assert.equal(decisions[0]?.kind === 'queue' && decisions[0].message.from, '15149540000');
    assert.deepEqual(decisions[1], { kind: 'unknown_sender' });
  });

  it('refuses a blocked contact and a suppressed number without a contact', () => {
    const decisions = decideSends([command({ to: '15145550002' }), command({ to: '15145550003' })], () =>
      facts(),
    );
    assert.deepEqual(decisions, [{ kind: 'blocked' }, { kind: 'blocked' }]);
  });

  it('checks the sender before the key, and the key before the recipient', () => {
    const earlier = { id: 41, partCount: 2, encoding: 'UCS-2', createdAt: NOW - 1000 };
    const withKey = facts({ earlier: new Map([['k', earlier]]) });
    const decisions = decideSends(
      [
        command({ from: '15140000000', idempotencyKey: 'k' }),
        command({ to: '15145550002', idempotencyKey: 'k' }),
      ],
      () => withKey,
    );
    assert.deepEqual(decisions, [{ kind: 'unknown_sender' }, { kind: 'replayed', earlier }]);
  });

  it('replays a key used within 24 hours, and frees a key older than that', () => {
    const recent = { id: 41, partCount: 1, encoding: 'GSM-7', createdAt: NOW - IDEMPOTENCY_WINDOW_MS + 1 };
    const stale = { id: 42, partCount: 1, encoding: 'GSM-7', createdAt: NOW - IDEMPOTENCY_WINDOW_MS };
    const decisions = decideSends(
      [command({ idempotencyKey: 'recent' }), command({ idempotencyKey: 'stale' })],
      () =>
        facts({
          earlier: new Map([
            ['recent', recent],
            ['stale', stale],
          ]),
        }),
    );
    assert.deepEqual(decisions[0], { kind: 'replayed', earlier: recent });
    assert.equal(decisions[1]?.kind, 'queue');
    assert.equal(decisions[1]?.releaseKeyOf, 42);
    assert.equal(decisions[1]?.kind === 'queue' && decisions[1].message.idempotencyKey, 'stale');
  });

  it('frees a stale key once, even when the send that frees it is refused', () => {
    const stale = { id: 42, partCount: 1, encoding: 'GSM-7', createdAt: 0 };
    const decisions = decideSends(
      [command({ to: '15145550002', idempotencyKey: 'k' }), command({ idempotencyKey: 'k' })],
      () => facts({ earlier: new Map([['k', stale]]) }),
    );
    assert.deepEqual(decisions[0], { kind: 'blocked', releaseKeyOf: 42 });
    assert.equal(decisions[1]?.kind, 'queue');
    assert.equal(decisions[1]?.releaseKeyOf, undefined);
  });

  it('answers a key repeated in one batch with the first item’s message, per account', () => {
    const items = [
      command({ idempotencyKey: 'k' }),
      command({ idempotencyKey: 'k', body: 'again' }),
      command({ accountId: 2, idempotencyKey: 'k' }),
    ];
    const decisions = decideSends(items, () => facts());
    assert.deepEqual(
      decisions.map((d) => d.kind),
      ['queue', 'duplicate', 'queue'],
    );
    assert.deepEqual(decisions[1], { kind: 'duplicate', of: 0 });
    assert.equal(messagesToQueue(decisions).length, 2);
    assert.deepEqual(settleSends(decisions, [100, 101]), [
      { kind: 'queued', id: 100, partCount: 1, encoding: 'GSM-7' },
      { kind: 'replayed', id: 100, partCount: 1, encoding: 'GSM-7' },
      { kind: 'queued', id: 101, partCount: 1, encoding: 'GSM-7' },
    ]);
  });

  it('settles every item with the ids of the queued ones, in order', () => {
    const earlier = { id: 5, partCount: 3, encoding: 'UCS-2', createdAt: NOW };
    const decisions = decideSends(
      [
        command({ to: '15145550002' }),
        command({ idempotencyKey: 'old' }),
        command({ from: 'nope' }),
        command({ partCount: 2, encoding: 'UCS-2' }),
      ],
      () => facts({ earlier: new Map([['old', earlier]]) }),
    );
    assert.deepEqual(settleSends(decisions, [9]), [
      { kind: 'blocked' },
      { kind: 'replayed', id: 5, partCount: 3, encoding: 'UCS-2' },
      { kind: 'unknown_sender' },
      { kind: 'queued', id: 9, partCount: 2, encoding: 'UCS-2' },
    ]);
    assert.throws(() => settleSends(decisions, []), /an insert returned no id/);
  });
});
