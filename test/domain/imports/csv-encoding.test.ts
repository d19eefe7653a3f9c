import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EncodingScanner, utf8Chunks, type CsvEncoding } from '../../../src/domain/imports/csv-encoding.js';

function scan(...pieces: Buffer[]): CsvEncoding | undefined {
  const scanner = new EncodingScanner();
  for (const piece of pieces) scanner.feed(piece);
  return scanner.finish();
}

async function transcode(encoding: CsvEncoding, ...pieces: Buffer[]): Promise<string> {
  async function* source(): AsyncGenerator<Buffer> {
    yield* pieces;
  }
  const out: Buffer[] = [];
  for await (const piece of utf8Chunks(source(), encoding)) out.push(piece);
  return Buffer.concat(out).toString('utf8');
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** `Montréal` as Excel writes it on Windows: é is the single byte 0xE9. */
const CP1252 = Buffer.from('number;name\n5145550101;Montr\xe9al\n', 'latin1');

describe('CSV encoding detection', () => {
  it('reads plain UTF-8, with or without a BOM, and drops the BOM', async () => {
    const text = Buffer.from('number,name\n5145550101,Montréal\n');
    assert.equal(scan(text), 'utf8');
    assert.equal(scan(BOM, text), 'utf8');
    assert.equal(await transcode('utf8', BOM, text), 'number,name\n5145550101,Montréal\n');
    // The BOM itself may arrive in pieces.
    assert.equal(
      await transcode('utf8', BOM.subarray(0, 1), BOM.subarray(1), text),
      'number,name\n5145550101,Montréal\n',
    );
  });

  it('keeps a character split between two pieces whole, at every cut', () => {
    const text = Buffer.from('nom,numéro\nÉlodie 😀,5145550101\n');
    for (let cut = 1; cut < text.length; cut++) {
      assert.equal(scan(text.subarray(0, cut), text.subarray(cut)), 'utf8', `cut at ${cut}`);
    }
  });

  it('detects Windows-1252 and converts it', async () => {
    assert.equal(scan(CP1252), 'win1252');
    assert.equal(await transcode('win1252', CP1252), 'number;name\n5145550101;Montréal\n');
    // Curly quotes and € are cp1252's own bytes 0x93, 0x94, 0x80.
    assert.equal(await transcode('win1252', Buffer.from([0x93, 0x80, 0x94])), '“€”');
  });

  it('refuses binary, empty and undecodable input', () => {
    assert.equal(scan(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00])), undefined);
    assert.equal(scan(Buffer.from('number,name\n\x00\x01\x02')), undefined);
    assert.equal(scan(), undefined);
    assert.equal(scan(Buffer.from(' \r\n\t\n')), undefined);
    assert.equal(scan(BOM), undefined);
    // 0x81 is undefined in Windows-1252, and not UTF-8 either.
    assert.equal(scan(Buffer.from([0x6e, 0x2c, 0x81, 0x0a])), undefined);
    // A UTF-8 BOM followed by bytes that are not UTF-8 is a broken file.
    assert.equal(scan(BOM, Buffer.from('n,m\n1,Montr\xe9al\n', 'latin1')), undefined);
    // A sequence cut off by the end of the file.
    assert.equal(scan(Buffer.from('number\n'), Buffer.from([0xc3])), 'win1252');
  });
});
