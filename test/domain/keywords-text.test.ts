import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  foldKeywordText,
  matchKeyword,
  type MatchableKeyword,
} from '../../src/domain/keywords/keyword-text.js';

const keyword = (id: number, overrides: Partial<MatchableKeyword> = {}): MatchableKeyword => ({
  id,
  frVariants: [],
  enVariants: [],
  senderNumber: null,
  startsAt: null,
  endsAt: null,
  ...overrides,
});

describe('keyword matching (issue #15)', () => {
  it('folds accents, case, spaces and punctuation, keeping digits', () => {
    assert.equal(foldKeywordText('  Météo,  Montréal!! '), 'METEO MONTREAL');
    assert.equal(foldKeywordText('ckoi-96.9'), 'CKOI 96 9');
  });

  it('matches the whole text or its start followed by a space, never a longer word', () => {
    const meteo = keyword(1, { frVariants: ['MÉTÉO'], enVariants: ['WEATHER'] });
    const match = (text: string) => matchKeyword([meteo], text, '15149541234', 0);
    assert.deepEqual(match('meteo')?.language, 'fr');
    assert.deepEqual(match('Météo Montréal')?.language, 'fr');
    assert.deepEqual(match('weather?')?.language, 'en');
    assert.equal(match('METEOROLOGIE'), undefined);
    assert.equal(match('la meteo'), undefined);
  });

  it('prefers the longest variant, then a keyword bound to the number texted', () => {
    const demande = keyword(1, { frVariants: ['DEMANDE'] });
    const speciale = keyword(2, { frVariants: ['Demande spéciale'] });
    assert.equal(matchKeyword([demande, speciale], 'Demande Spéciale: Céline', '1', 0)?.keyword.id, 2);
    assert.equal(matchKeyword([demande, speciale], 'Demande Céline', '1', 0)?.keyword.id, 1);
    const anyNumber = keyword(3, { frVariants: ['INFO'] });
    const bound = keyword(4, { frVariants: ['INFO'], senderNumber: '2' });
    assert.equal(matchKeyword([anyNumber, bound], 'info', '2', 0)?.keyword.id, 4);
    assert.equal(matchKeyword([anyNumber, bound], 'info', '5', 0)?.keyword.id, 3);
  });

  it('a word in both lists tells no language; a keyword outside its period does not match', () => {
    const both = keyword(1, { frVariants: ['CONCOURS'], enVariants: ['concours'] });
    assert.equal(matchKeyword([both], 'concours', '1', 0)?.language, null);
    const period = keyword(2, { frVariants: ['NOEL'], startsAt: 100, endsAt: 200 });
    assert.equal(matchKeyword([period], 'noel', '1', 99), undefined);
    assert.equal(matchKeyword([period], 'noel', '1', 100)?.keyword.id, 2);
    assert.equal(matchKeyword([period], 'noel', '1', 200), undefined);
  });
});
