import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseContactSearch, searchWords } from '../../../src/domain/contacts/contact-search.js';
import { prefixUpperBound } from '../../../src/store/contacts/contact-list-query.js';

describe('contacts page search box: what the typed text searches', () => {
  test('words of a name: lower case, accents removed, split on punctuation', () => {
    assert.deepEqual(parseContactSearch('  Hélène  CÔTÉ ', 'CA'), {
      kind: 'name',
      words: ['helene', 'cote'],
    });
    assert.deepEqual(parseContactSearch('St-Pierre', 'CA'), { kind: 'name', words: ['st', 'pierre'] });
    assert.deepEqual(searchWords("O'Neil Ève"), ['o', 'neil', 'eve']);
    assert.equal(parseContactSearch('   ', 'CA'), undefined);
    assert.equal(parseContactSearch('!!!', 'CA'), undefined);
    // A double quote or an FTS operator is only punctuation: it never reaches the index's syntax.
    assert.deepEqual(parseContactSearch('"jean" OR *', 'CA'), { kind: 'name', words: ['jean', 'or'] });
  });

  test('a phone number, typed in any usual way, is a prefix of the stored international digits', () => {
    for (const typed of [
      '514 555-1234',
      '(514) 555-1234',
      '+1 514 555 1234',
      '1-514-555-1234',
      '514.555.1234',
    ]) {
      assert.deepEqual(parseContactSearch(typed, 'CA'), { kind: 'number', prefix: '15145551234' }, typed);
    }
    assert.deepEqual(parseContactSearch('514 555', 'CA'), { kind: 'number', prefix: '1514555' });
    assert.deepEqual(parseContactSearch('1 514 5', 'CA'), { kind: 'number', prefix: '15145' });
    assert.deepEqual(parseContactSearch('+33 6 12', 'CA'), { kind: 'number', prefix: '33612' });
    assert.deepEqual(parseContactSearch('06 12 34', 'FR'), { kind: 'number', prefix: '3361234' });
    // Two digits are too few to mean a number: a name search.
    assert.deepEqual(parseContactSearch('42', 'CA'), { kind: 'name', words: ['42'] });
  });

  test('an email: with an @, or one word with a dot or an underscore', () => {
    assert.deepEqual(parseContactSearch('Jean.T@', 'CA'), { kind: 'email', prefix: 'jean.t@' });
    assert.deepEqual(parseContactSearch('jean.tremblay', 'CA'), { kind: 'email', prefix: 'jean.tremblay' });
    assert.deepEqual(parseContactSearch('j_roy', 'CA'), { kind: 'email', prefix: 'j_roy' });
  });

  test('the upper bound of a prefix range carries 9 and z instead of stepping past them', () => {
    assert.equal(prefixUpperBound('1514555'), '1514556');
    assert.equal(prefixUpperBound('151459'), '15146');
    assert.equal(prefixUpperBound('jean'), 'jeao');
    assert.equal(prefixUpperBound('roz'), 'rp');
    assert.equal(prefixUpperBound('999'), undefined);
  });
});
