import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectRecipients, startVerdict } from '../../../src/domain/broadcasts/broadcast-recipients.js';
import { makeTexts } from '../../helpers/broadcasts.js';

const texts = makeTexts;

describe('selectRecipients', () => {
  it('takes the members of the user groups; Blocked contributes nobody', () => {
    const selection = selectRecipients(
      [
        { id: 4, systemKind: null },
        { id: 2, systemKind: 'blocked' },
        { id: 9, systemKind: null },
      ],
      texts({ frMessage: 'Bonjour' }),
    );
    assert.deepEqual(selection, { everyone: false, memberOf: [4, 9], withSms: true, withEmail: false });
  });

  it('takes every contact with Tous', () => {
    const selection = selectRecipients(
      [
        { id: 1, systemKind: 'all' },
        { id: 4, systemKind: null },
      ],
      texts({ enSubject: 'S', enEmail: 'E' }),
    );
    assert.equal(selection?.everyone, true);
    assert.equal(selection?.withSms, false, 'no SMS text, no SMS');
    assert.equal(selection?.withEmail, true);
  });

  it('selects nobody from Blocked alone, or from no group', () => {
    assert.equal(selectRecipients([{ id: 2, systemKind: 'blocked' }], texts({ frMessage: 'x' })), null);
    assert.equal(selectRecipients([], texts({ frMessage: 'x' })), null);
  });
});

describe('startVerdict', () => {
  it('starts with recipients; without, fails a scheduled start and refuses start_broadcast', () => {
    assert.equal(startVerdict(1, false), 'start');
    assert.equal(startVerdict(3, true), 'start');
    assert.equal(startVerdict(0, true), 'fail');
    assert.equal(startVerdict(0, false), 'refuse');
  });
});
