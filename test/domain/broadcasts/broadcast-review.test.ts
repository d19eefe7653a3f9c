import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reviewReach, templateCost } from '../../../src/domain/broadcasts/broadcast-review.js';
import { makeTexts } from '../../helpers/broadcasts.js';

describe('the review before a start (broadcast-review.ts)', () => {
  it('prices each language with the text its recipients get, the other one when theirs is missing', () => {
    const long = 'Le concours « Été » commence demain matin à 7 h: écoutez-nous pour gagner vos billets!'; // UCS-2, 2 parts
    const review = reviewReach({ smsFr: 10, smsEn: 4, email: 3 }, makeTexts({ frMessage: long }));
    assert.deepEqual(review.fr, { recipients: 10, text: 'fr', partsEach: 2, encoding: 'UCS-2', parts: 20 });
    assert.deepEqual(review.en, { recipients: 4, text: 'fr', partsEach: 2, encoding: 'UCS-2', parts: 8 });
    assert.deepEqual([review.smsTotal, review.partsTotal], [14, 28]);
    const both = reviewReach(
      { smsFr: 1, smsEn: 1, email: 0 },
      makeTexts({ frMessage: 'Allo', enMessage: 'Hi' }),
    );
    assert.deepEqual([both.fr.text, both.en.text, both.partsTotal], ['fr', 'en', 2]);
    const none = reviewReach({ smsFr: 0, smsEn: 0, email: 5 }, makeTexts({ frEmail: 'x', frSubject: 'y' }));
    assert.deepEqual([none.fr.text, none.fr.encoding, none.partsTotal], [null, null, 0]);
  });

  it('counts merge fields as empty, as post_broadcast does', () => {
    assert.deepEqual(templateCost('_NAME_'.repeat(40)), { parts: 1, encoding: 'GSM-7' });
  });
});
