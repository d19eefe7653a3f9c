import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseDelimiter, mapHeader, splitHeaderLine } from '../../../src/domain/imports/csv-header.js';

describe('CSV header', () => {
  it('matches French and English column names without case or accents', () => {
    assert.deepEqual(mapHeader(['Numéro', 'NOM', 'Courriel', 'Notes', 'Langue', 'Groupes']), {
      number: 0,
      name: 1,
      email: 2,
      description: 3,
      language: 4,
      groups: 5,
    });
    assert.deepEqual(mapHeader(['phone', 'name', 'E-mail', 'description', 'language', 'groups']), {
      number: 0,
      name: 1,
      email: 2,
      description: 3,
      language: 4,
      groups: 5,
    });
    for (const number of ['number', 'NUMERO', 'numéro', 'Téléphone', 'telephone', 'Cellulaire', ' Phone ']) {
      assert.deepEqual(mapHeader([number]), { number: 0 }, number);
    }
    assert.deepEqual(mapHeader(['courriel', 'EMAIL']), { email: 0 }, 'the first column of a kind wins');
    assert.deepEqual(mapHeader(['prénom', 'ville']), {}, 'unknown columns are ignored');
  });

  it('splits a header line honouring quotes', () => {
    assert.deepEqual(splitHeaderLine('"Nom, complet",numéro, email ', ','), [
      'Nom, complet',
      'numéro',
      'email',
    ]);
    assert.deepEqual(splitHeaderLine('"a ""b""";c', ';'), ['a "b"', 'c']);
  });

  it('chooses the delimiter the header line uses', () => {
    assert.deepEqual(chooseDelimiter('number,name,email'), { kind: 'found', delimiter: ',' });
    assert.deepEqual(chooseDelimiter('Numéro;Nom;Courriel'), { kind: 'found', delimiter: ';' });
    assert.deepEqual(chooseDelimiter('phone\tname'), { kind: 'found', delimiter: '\t' });
    // The comma sits inside a quoted name: the semicolon is the delimiter.
    assert.deepEqual(chooseDelimiter('"Nom, prénom";numéro'), { kind: 'found', delimiter: ';' });
    // Both appear; only the semicolon split names a number column.
    assert.deepEqual(chooseDelimiter('numéro;nom,prénom'), { kind: 'found', delimiter: ';' });
    assert.deepEqual(chooseDelimiter('number'), { kind: 'none' });
    assert.deepEqual(chooseDelimiter('number|name'), { kind: 'none' });
    assert.deepEqual(chooseDelimiter('nom,prénom'), { kind: 'no-contact-column' });
  });
});
