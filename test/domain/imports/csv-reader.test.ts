import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCsvRecords } from '../../../src/domain/imports/csv-reader.js';

async function read(
  text: string | Buffer,
  delimiter: ',' | ';' | '\t' = ',',
  cut?: number,
): Promise<string[]> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  async function* source(): AsyncGenerator<Buffer> {
    if (cut === undefined) yield bytes;
    else {
      yield bytes.subarray(0, cut);
      yield bytes.subarray(cut);
    }
  }
  const out: string[] = [];
  for await (const run of readCsvRecords(source(), delimiter)) {
    for (const record of run) out.push(`${record.line}:${record.fields.join('|')}`);
  }
  return out;
}

describe('CSV records', () => {
  it('numbers records by the line they end on, blank lines and quoted line breaks counted', async () => {
    const text = 'a,b\r\n1,2\r\n\r\n  \r\n,,\r\n"x\r\ny",3\r\n4,"5\n6\n7"\r\n8,9';
    assert.deepEqual(await read(text), ['1:a|b', '2:1|2', '7:x\r\ny|3', '10:4|5\n6\n7', '11:8|9']);
  });

  it('gives the same records and lines wherever the bytes are cut', async () => {
    const bytes = Buffer.from('numéro;nom\n5145550101;Montréal é\n\n5145550102;"Québec\nÀ"\n');
    const whole = await read(bytes, ';');
    assert.deepEqual(whole, ['1:numéro|nom', '2:5145550101|Montréal é', '5:5145550102|Québec\nÀ']);
    for (let cut = 1; cut < bytes.length; cut++)
      assert.deepEqual(await read(bytes, ';', cut), whole, `cut ${cut}`);
  });

  it('keeps rows of another length (the importer rejects them) and stray quotes as typed', async () => {
    assert.deepEqual(await read('a,b\n1\n2,3,4\nBob "Bobby" Smith,5\n'), [
      '1:a|b',
      '2:1',
      '3:2|3|4',
      '4:Bob "Bobby" Smith|5',
    ]);
  });

  it('throws on a quote left open and on a record past 64 KB', async () => {
    await assert.rejects(read('a,b\n1,"open\n2,3\n'), { code: 'CSV_QUOTE_NOT_CLOSED' });
    await assert.rejects(read('a,b\n1,"x"y\n'), { code: 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE' });
    await assert.rejects(read(`a,b\n1,${'x'.repeat(70_000)}\n`), { code: 'CSV_MAX_RECORD_SIZE' });
  });
});
