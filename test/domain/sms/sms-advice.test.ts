import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adviseSms, replaceTypographic, ucs2Causes } from '../../../src/domain/sms/sms-advice.js';
import { segmentMessage } from '../../../src/domain/sms/segments.js';

describe('the encoding adviser (src/domain/sms/sms-advice.ts)', () => {
  it('replaces French typography with its GSM-7 twin, guillemets with their spaces', () => {
    assert.equal(replaceTypographic('C’est «\u202Fsuper\u202F» — 5\u00A0$…'), 'C\'est "super" - 5 $...');
    assert.equal(replaceTypographic('“Hi” ‘there’ – ok'), '"Hi" \'there\' - ok');
    assert.equal(segmentMessage(replaceTypographic('l’été « chaud »')).encoding, 'GSM-7');
  });

  it('names what has no equivalent and leaves it alone', () => {
    assert.equal(replaceTypographic('Ça coûte 5 $'), 'Ça coûte 5 $');
    assert.deepEqual(ucs2Causes('Ça coûte, ça coûte'), [
      { char: 'û', codePoint: 'U+00FB', count: 2, replacement: null },
      { char: 'ç', codePoint: 'U+00E7', count: 1, replacement: null }, // « Ç » is GSM-7, « ç » is not
    ]);
  });

  it('counts as send does (NFC first) and prices the UCS-2 characters', () => {
    const decomposed = 'e\u0301te\u0301'; // "été" typed as e + combining accent
    assert.deepEqual([adviseSms(decomposed).encoding, adviseSms(decomposed).characters], ['GSM-7', 3]);
    const long = 'Ça coûte 5 $ '.repeat(6) + 'Merci!';
    const advice = adviseSms(long);
    assert.deepEqual(
      [
        advice.encoding,
        advice.parts,
        advice.partsIfGsm7,
        advice.partsAfterReplacing,
        advice.replacingMakesGsm7,
      ],
      ['UCS-2', 2, 1, 2, false],
    );
    assert.equal(adviseSms('').parts, 0);
  });
});
