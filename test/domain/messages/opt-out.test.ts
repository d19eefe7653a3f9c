import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGsm7, segmentMessage } from '../../../src/domain/sms/segments.js';
import { optOutConfirmation, optOutKeyword } from '../../../src/domain/messages/opt-out.js';

describe('opt-out keywords', () => {
  it('recognises the keywords of both languages whatever the case, accents and punctuation', () => {
    const cases: [string, string, string | null][] = [
      ['STOP', 'stop', null],
      ['stop!', 'stop', null],
      ['  Arrêt. ', 'stop', 'fr'],
      ['ARRETER', 'stop', 'fr'],
      ['désabonner', 'stop', 'fr'],
      ['Unsubscribe', 'stop', 'en'],
      ['Stop all', 'stop', null],
      ['start', 'start', null],
      ['Reprise', 'start', 'fr'],
      ['UNSTOP', 'start', 'en'],
    ];
    for (const [text, action, language] of cases)
      assert.deepEqual(optOutKeyword(text), { action, language }, text);
  });

  it('ignores a message that only contains a keyword', () => {
    for (const text of ['Stop calling me', 'arrêt de bus?', 'STOPPED', 'START now', '', 'stop '.repeat(20)])
      assert.equal(optOutKeyword(text), undefined, text);
  });

  it('answers in one GSM-7 part, in each language', () => {
    for (const action of ['stop', 'start'] as const)
      for (const language of ['fr', 'en'] as const) {
        const text = optOutConfirmation(action, language);
        assert.ok(isGsm7(text), text);
        assert.equal(segmentMessage(text).parts.length, 1, text);
      }
  });
});
