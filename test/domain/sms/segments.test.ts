import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isGsm7, LIMITS, MAX_PARTS, segmentMessage } from '../../../src/domain/sms/segments.js';

/** The source's table: characters per message for 1..10 parts, standard (GSM-7) and special (UCS-2). */
const SOURCE_TABLE: readonly [parts: number, gsm: number, ucs2: number][] = [
  [1, 160, 70],
  [2, 306, 134],
  [3, 459, 201],
  [4, 612, 268],
  [5, 765, 335],
  [6, 918, 402],
  [7, 1071, 469],
  [8, 1224, 536],
  [9, 1377, 603],
  [10, 1530, 670],
];

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '\f^{}\\[~]|€';

function cost(ch: string, encoding: 'GSM-7' | 'UCS-2'): number {
  if (encoding === 'UCS-2') return ch.length;
  return EXTENSION.includes(ch) ? 2 : 1;
}
const units = (text: string, encoding: 'GSM-7' | 'UCS-2') =>
  Array.from(text).reduce((sum, ch) => sum + cost(ch, encoding), 0);

describe('segmentMessage: the source’s table, row by row', () => {
  for (const [parts, gsm, ucs2] of SOURCE_TABLE) {
    it(`${parts} part(s): ${gsm} standard characters, ${ucs2} special ones`, () => {
      const standard = segmentMessage('a'.repeat(gsm));
      assert.equal(standard.encoding, 'GSM-7');
      assert.equal(standard.parts.length, parts);
      assert.equal(segmentMessage('a'.repeat(gsm + 1)).parts.length, parts + 1);
      // One special character anywhere switches the whole message to UCS-2.
      const special = segmentMessage('ç' + 'a'.repeat(ucs2 - 1));
      assert.equal(special.encoding, 'UCS-2');
      assert.equal(special.parts.length, parts);
      assert.equal(segmentMessage('ç' + 'a'.repeat(ucs2)).parts.length, parts + 1);
    });
  }

  it('caps at 10 parts (longer is the caller’s "too long")', () => {
    assert.equal(MAX_PARTS, 10);
    assert.equal(segmentMessage('a'.repeat(1531)).parts.length, 11);
    assert.equal(segmentMessage('ç'.repeat(671)).parts.length, 11);
  });
});

describe('segmentMessage: the alphabet (3GPP TS 23.038)', () => {
  it('takes the accented letters of the default alphabet as GSM-7', () => {
    for (const ch of 'éèùìòàÉÇÄÖÑÜäöñü') assert.equal(isGsm7(ch), true, ch);
    assert.equal(isGsm7(BASIC + EXTENSION), true);
  });

  it('sends ç ê â î ô û ë ï œ « » ’ and emoji as UCS-2', () => {
    for (const ch of ['ç', 'ê', 'â', 'î', 'ô', 'û', 'ë', 'ï', 'œ', '«', '»', '’', '😀', '`']) {
      assert.equal(isGsm7(ch), false, ch);
      assert.equal(segmentMessage(`a${ch}`).encoding, 'UCS-2', ch);
    }
  });

  it('counts the extension table and form feed twice', () => {
    assert.equal(segmentMessage('€'.repeat(80)).parts.length, 1); // 160 septets
    assert.equal(segmentMessage('€'.repeat(81)).parts.length, 2);
    assert.equal(segmentMessage('\f'.repeat(80)).units, 160);
    assert.equal(segmentMessage('^{}\\[~]|').units, 16);
  });

  it('never splits an escape sequence: a part ends one septet short rather than cut one', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
    const { parts } = segmentMessage(text);
    assert.deepEqual(
      parts.map((p) => p.length),
      [152, 11],
    );
    assert.equal(parts[1]?.[0], '€');
  });

  it('counts a character outside the BMP as two and never splits its surrogate pair', () => {
    assert.equal(segmentMessage('😀'.repeat(35)).parts.length, 1); // 70 UTF-16 units
    assert.equal(segmentMessage('😀'.repeat(36)).parts.length, 2);
    const { parts } = segmentMessage('a' + '😀'.repeat(40));
    assert.equal(parts[0], 'a' + '😀'.repeat(33)); // 67 units: the 34th emoji would need 68
    for (const part of parts) assert.doesNotMatch(part, /^[\udc00-\udfff]|[\ud800-\udbff]$/);
  });
});

/** Characters of every kind, weighted so multi-part GSM-7 and UCS-2 texts both come up. */
const character = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...Array.from(BASIC)) },
  { weight: 2, arbitrary: fc.constantFrom(...Array.from(EXTENSION)) },
  { weight: 1, arbitrary: fc.constantFrom('ç', 'ê', 'œ', '’', '😀', '𝄞', 'ж', '中') },
);

describe('segmentMessage: properties for any text', () => {
  it('parts concatenate back, each fits its limit, the count is the least greedy split', () => {
    let multiPartRuns = 0;
    fc.assert(
      fc.property(fc.array(character, { maxLength: 1700, size: 'max' }), fc.boolean(), (chars, forceUcs2) => {
        const text = (forceUcs2 ? 'ç' : '') + chars.join('');
        const { encoding, parts, units: counted } = segmentMessage(text);
        if (counted > LIMITS[encoding].single) multiPartRuns++;
        assert.equal(parts.join(''), text);
        assert.equal(encoding, isGsm7(text) ? 'GSM-7' : 'UCS-2');
        assert.equal(counted, units(text, encoding));
        const limits = LIMITS[encoding];
        if (counted <= limits.single) {
          assert.equal(parts.length, 1);
          return;
        }
        assert.ok(parts.length >= Math.ceil(counted / limits.multi));
        parts.forEach((part, i) => {
          assert.ok(units(part, encoding) <= limits.multi);
          const next = parts[i + 1];
          // Greedy: the next part's first character would not have fitted in this one.
          if (next !== undefined) {
            const first = Array.from(next)[0] ?? '';
            assert.ok(units(part, encoding) + cost(first, encoding) > limits.multi);
          }
          assert.doesNotMatch(part, /^[\udc00-\udfff]/);
        });
      }),
      { numRuns: 300 },
    );
    assert.ok(multiPartRuns > 100, `only ${multiPartRuns} multi-part texts generated`);
  });

  it('matches the source’s table for plain texts of any length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1600 }), fc.boolean(), (length, special) => {
        const text = special ? 'ç'.repeat(length) : 'a'.repeat(length);
        const row = SOURCE_TABLE.find(([, gsm, ucs2]) => length <= (special ? ucs2 : gsm));
        const { parts } = segmentMessage(text);
        if (row) assert.equal(parts.length, row[0]);
        else assert.ok(parts.length > MAX_PARTS);
      }),
    );
  });
});
