import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectCsv, type ByteSource } from '../../../src/domain/imports/csv-inspect.js';
import { csvMalformed, csvUnreadable, csvWrongDelimiters, DomainError } from '../../../src/domain/errors.js';
import { ERROR_STATUS } from '../../../src/http/errors.js';

const CSV_ERRORS = {
  unreadable: csvUnreadable().message,
  delimiters: csvWrongDelimiters().message,
  malformed: csvMalformed().message,
};

function source(content: string | Buffer): ByteSource {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return async function* (pieceBytes: number) {
    for (let at = 0; at < bytes.length; at += pieceBytes) yield bytes.subarray(at, at + pieceBytes);
  };
}

async function refusal(content: string | Buffer): Promise<string> {
  try {
    await inspectCsv(source(content));
  } catch (error) {
    assert.ok(error instanceof DomainError);
    assert.equal(ERROR_STATUS[error.id], 400);
    return error.message;
  }
  return 'accepted';
}

describe('the checks before import_contacts answers', () => {
  it('accepts UTF-8, BOM, Windows-1252, every delimiter, and a header without rows', async () => {
    assert.deepEqual(await inspectCsv(source('number,name\n5145550101,Bob\n')), {
      encoding: 'utf8',
      delimiter: ',',
      byteSize: 27,
      header: ['number', 'name'],
      rowCount: 1,
    });
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('Numéro;Nom\n5145550101;Élise\n'),
    ]);
    assert.equal((await inspectCsv(source(bom))).delimiter, ';');
    const cp1252 = Buffer.from('t\xe9l\xe9phone\tnom\n5145550101\tMontr\xe9al\n', 'latin1');
    assert.deepEqual(await inspectCsv(source(cp1252)), {
      encoding: 'win1252',
      delimiter: '\t',
      byteSize: cp1252.length,
      header: ['téléphone', 'nom'],
      rowCount: 1,
    });
    assert.equal((await inspectCsv(source('\n\nemail,name'))).delimiter, ',');
    assert.equal((await inspectCsv(source('\n\nemail,name'))).rowCount, 0);
  });

  it('counts the rows the importer will read: every record after the header, blank lines not', async () => {
    const rows = ['Numéro;Nom'];
    for (let i = 0; i < 250; i++)
      rows.push(i % 50 === 0 ? `5145550${100 + i};"Deux\nlignes"` : `5145550${100 + i};R${i}`);
    const text = rows.join('\r\n') + '\r\n\r\n;\r\n';
    const layout = await inspectCsv(
      source(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
    );
    assert.deepEqual(layout.header, ['Numéro', 'Nom']);
    assert.equal(layout.rowCount, 250);
  });

  it('accepts a file where a few rows do not split like the header (they are rejected one by one)', async () => {
    const rows = Array.from({ length: 150 }, (_, i) =>
      i % 10 === 3 ? `51455501${i},x,y` : `51455501${i},x`,
    );
    assert.equal(await refusal(`number,name\n${rows.join('\n')}\n`), 'accepted');
  });

  it('refuses what cannot be read', async () => {
    assert.equal(await refusal(''), CSV_ERRORS.unreadable);
    assert.equal(await refusal('\r\n  \n'), CSV_ERRORS.unreadable);
    assert.equal(
      await refusal(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])),
      CSV_ERRORS.unreadable,
    );
    assert.equal(await refusal(Buffer.from('number,name\n5145550101,Bob\x00\n')), CSV_ERRORS.unreadable);
  });

  it('refuses a header line without delimiter, or rows that do not split like it', async () => {
    assert.equal(await refusal('number\n5145550101\n'), CSV_ERRORS.delimiters);
    assert.equal(await refusal('number|name\n5145550101|Bob\n'), CSV_ERRORS.delimiters);
    assert.equal(await refusal('number,name\n5145550101;Bob\n5145550102;Al\n'), CSV_ERRORS.delimiters);
    const rows = Array.from({ length: 300 }, (_, i) => `51455501${i};x`);
    assert.equal(await refusal(`number,name\n${rows.join('\n')}\n`), CSV_ERRORS.delimiters);
  });

  it('refuses quoting errors anywhere, oversized records and a header without number or email', async () => {
    assert.equal(await refusal('nom,prénom\nBob,Smith\n'), CSV_ERRORS.malformed);
    assert.equal(await refusal('number,name\n5145550101,"Bob\n'), CSV_ERRORS.malformed);
    assert.equal(await refusal('number,name\n5145550101,"Bob"by\n'), CSV_ERRORS.malformed);
    const late = Array.from({ length: 5000 }, (_, i) => `51455${String(i).padStart(5, '0')},x`);
    late[4000] = '5145550000,"unterminated';
    assert.equal(await refusal(`number,name\n${late.join('\n')}\n`), CSV_ERRORS.malformed);
    assert.equal(
      await refusal(`number,name\n5145550101,${'x'.repeat(10 * 1024 * 1024)}\n`),
      CSV_ERRORS.malformed,
    );
    assert.equal(await refusal(`number,${'x'.repeat(100_000)}\n`), CSV_ERRORS.malformed);
  });
});
