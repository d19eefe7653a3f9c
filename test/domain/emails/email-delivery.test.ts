import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emailFailureOutcome, toOutboundEmail } from '../../../src/domain/emails/email-delivery.js';
import type { ClaimedEmail } from '../../../src/domain/ports/email-queue.js';
import { TransportError } from '../../../src/domain/ports/transports.js';

const email: ClaimedEmail = {
  id: 3,
  from_address: 'radio@example.com',
  to_address: 'listener@example.com',
  subject: 'Hi',
  body: '<p>Hello</p>',
  format: 'htm',
  attempts: 0,
};

describe('email delivery outcomes', () => {
  it('fails a permanent refusal at once, with the server’s reason', () => {
    assert.deepEqual(emailFailureOutcome(email, new TransportError('550 no such user', false), 8, 0), {
      kind: 'failed',
      id: 3,
      error: '550 no such user',
    });
  });

  it('retries a temporary refusal after a backoff, and fails once the attempts are spent', () => {
    const retry = emailFailureOutcome(email, new TransportError('451 later', true), 8, 10_000);
    assert.ok(retry.kind === 'retry' && retry.error === '451 later' && retry.nextAttemptAt > 10_000);
    assert.deepEqual(emailFailureOutcome({ ...email, attempts: 7 }, new Error('connection lost'), 8, 0), {
      kind: 'failed',
      id: 3,
      error: 'connection lost (after 8 attempts)',
    });
  });

  it('sends htm as HTML with a plain-text alternative', () => {
    const outbound = toOutboundEmail(email);
    assert.equal(outbound.html, '<p>Hello</p>');
    assert.equal(outbound.text, 'Hello');
  });
});
