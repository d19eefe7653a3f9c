import fc from 'fast-check';
import type { AccountFixtures } from './requests.js';
import { CSV_INJECTIONS, SQL_INJECTIONS } from './values.js';

/**
 * Files for import_contacts: CSVs that are almost right (the other account's numbers and emails,
 * injections in the cells, odd delimiters and encodings) and files that are no CSV at all.
 */

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const ZIP = Buffer.from('504b0304140000000800', 'hex');
const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1');

function csv(rows: readonly (readonly string[])[], delimiter = ','): Buffer {
  return Buffer.from(rows.map((row) => row.join(delimiter)).join('\r\n'), 'utf8');
}

export function hostileFile(own: AccountFixtures, foreign: AccountFixtures): fc.Arbitrary<Uint8Array> {
  const numbers = [...own.numbers, ...foreign.numbers, '15145550123', 'abc', ''];
  const emails = [...own.emails, ...foreign.emails, 'a@example.com', '=1+1@example.com'];
  const cells = fc.constantFrom(
    ...numbers,
    ...emails,
    ...CSV_INJECTIONS,
    ...SQL_INJECTIONS,
    'Zoé',
    '"unclosed',
  );
  const rows = fc.array(fc.array(cells, { minLength: 1, maxLength: 5 }), { maxLength: 20 });
  const header = fc.constantFrom(
    ['number', 'email', 'name'],
    ['numero', 'courriel'],
    ['phone'],
    ['', ''],
    ['name'],
  );
  return fc.oneof(
    { arbitrary: fc.tuple(header, rows).map(([head, body]) => csv([head, ...body])), weight: 6 },
    {
      arbitrary: fc
        .tuple(header, rows, fc.constantFrom(';', '\t', '|', '\0'))
        .map(([head, body, delimiter]) => csv([head, ...body], delimiter)),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(header, rows)
        .map(([head, body]) =>
          Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            Buffer.from(csv([head, ...body]).toString('utf8'), 'utf16le'),
          ]),
        ),
      weight: 1,
    },
    { arbitrary: fc.constantFrom(PNG, ZIP, PDF, Buffer.alloc(0), Buffer.from('\r\n\r\n,,,\r\n')), weight: 2 },
    { arbitrary: fc.uint8Array({ maxLength: 2000 }), weight: 2 },
    { arbitrary: fc.constant(Buffer.from(`number\r\n${'1'.repeat(300_000)}\r\n`)), weight: 1 },
    { arbitrary: fc.constant(Buffer.from(`number,name\r\n15145550111,"${'"'.repeat(999)}\r\n`)), weight: 1 },
  );
}
