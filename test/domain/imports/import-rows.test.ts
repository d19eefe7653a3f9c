import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapHeader } from '../../../src/domain/imports/csv-header.js';
import {
  normaliseInThread,
  parseGroupsCell,
  parseLanguage,
  rawNumberOf,
  readImportRow,
  ROW_REASONS,
  type RowLayout,
} from '../../../src/domain/imports/import-rows.js';

const header = ['numéro', 'nom', 'courriel', 'notes', 'langue', 'groupes'];
const layout: RowLayout = { columns: mapHeader(header), headerFields: header.length };

async function read(fields: string[], line = 2): Promise<ReturnType<typeof readImportRow>> {
  const record = { line, fields };
  const [number] = await normaliseInThread([rawNumberOf(record, layout)], 'CA');
  return readImportRow(record, layout, number ?? null);
}

describe('import rows', () => {
  it('normalises a full row like post_contact', async () => {
    assert.deepEqual(
      await read(['(514) 555-0101', 'Élise', 'Elise@Example.COM', 'VIP', 'Français', 'Gala; 12']),
      {
        line: 2,
        number: '15145550101',
        email: 'elise@example.com',
        name: 'Élise',
        description: 'VIP',
        language: 'fr',
        groups: [{ name: 'Gala' }, { id: 12 }],
        timeZone: undefined,
      },
    );
  });

  it('treats empty cells as absent (an update keeps those fields)', async () => {
    assert.deepEqual(await read(['', '', 'a@b.ca', '', '', '']), {
      line: 2,
      number: null,
      email: 'a@b.ca',
      name: undefined,
      description: undefined,
      language: undefined,
      groups: [],
      timeZone: undefined,
    });
  });

  it('rejects with the reason and the line', async () => {
    assert.deepEqual(await read(['', 'Bob', '', '', '', ''], 7), {
      line: 7,
      reason: ROW_REASONS.numberOrEmail,
    });
    // An invalid number rejects the row even with a valid email.
    assert.deepEqual(await read(['1514555555', 'Bob', 'bob@example.com', '', '', '']), {
      line: 2,
      reason: 'number is not a valid phone number',
    });
    assert.deepEqual(await read(['5145550101', 'Bob', 'not-an-email', '', '', '']), {
      line: 2,
      reason: 'email is not a valid email address',
    });
    assert.deepEqual(await read(['5145550101', 'x'.repeat(201), '', '', '', '']), {
      line: 2,
      reason: 'name is too long',
    });
    assert.deepEqual(await read(['5145550101', 'Bob']), {
      line: 2,
      reason: 'wrong number of fields (expected 6, found 2)',
    });
    assert.deepEqual(await read(['5145550101', '', '', '', '', 'x'.repeat(101)]), {
      line: 2,
      reason: ROW_REASONS.groupTooLong,
    });
  });

  it('reads a time zone column (timezone, fuseau): canonical, empty absent, unknown rejected', async () => {
    const zoned = ['numéro', 'Fuseau horaire'];
    const zonedLayout: RowLayout = { columns: mapHeader(zoned), headerFields: zoned.length };
    assert.equal(zonedLayout.columns.timezone, 1);
    assert.equal(mapHeader(['email', 'TimeZone']).timezone, 1);
    assert.equal(mapHeader(['email', 'fuseau']).timezone, 1);
    const readZoned = (fields: string[]) => readImportRow({ line: 3, fields }, zonedLayout, '15145550101');
    const found = readZoned(['5145550101', ' america/vancouver ']);
    assert.equal('timeZone' in found ? found.timeZone : 'rejected', 'America/Vancouver');
    const empty = readZoned(['5145550101', '']);
    assert.equal('timeZone' in empty ? empty.timeZone : 'rejected', undefined);
    assert.deepEqual(readZoned(['5145550101', 'Mars/Olympus']), {
      line: 3,
      reason: 'Invalid timezone: Mars/Olympus (expected an IANA zone such as America/Toronto)',
    });
  });

  it('reads languages and group lists', () => {
    assert.equal(parseLanguage(' EN '), 'en');
    assert.equal(parseLanguage('anglais'), 'en');
    assert.equal(parseLanguage('français'), 'fr');
    assert.equal(parseLanguage('de'), undefined);
    assert.deepEqual(parseGroupsCell('VIP, vip;Montréal,, 007'), [
      { name: 'VIP' },
      { name: 'Montréal' },
      { id: 7 },
    ]);
  });
});
