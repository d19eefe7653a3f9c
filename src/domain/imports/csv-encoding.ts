import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/** How the stored bytes of an import are read: UTF-8 (a BOM is skipped) or Windows-1252 (Excel's default). */
export type CsvEncoding = 'utf8' | 'win1252';

/** Bytes no text file holds: C0 controls other than tab, LF, VT, FF, CR and SUB (old DOS end-of-file). */
const BINARY = new Uint8Array(256);
for (const byte of [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 29, 30, 31,
])
  BINARY[byte] = 1;
const BLANK = new Uint8Array(256);
for (const byte of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1a, 0x20]) BLANK[byte] = 1;
/** Windows-1252 leaves these five bytes undefined: text holding one is neither UTF-8 nor Windows-1252. */
const UNDEFINED_1252 = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Decides, from every byte of an upload fed in order, how it is encoded: UTF-8 when the whole file is
 * valid UTF-8, else Windows-1252 when every byte is defined there; `undefined` when the file is not
 * text at all (control bytes), empty, or blank.
 */
export class EncodingScanner {
  private head: Buffer = Buffer.alloc(0);
  private carry: Buffer = Buffer.alloc(0);
  private started = false;
  private bom = false;
  private validUtf8 = true;
  private binary = false;
  private undefined1252 = false;
  private hasContent = false;

  feed(chunk: Buffer): void {
    if (this.binary || chunk.length === 0) return;
    if (this.started) return this.scan(chunk);
    // The first three bytes decide the BOM: hold them until three have arrived (or the end).
    const pending = Buffer.concat([this.head, chunk]);
    if (pending.length < BOM.length) this.head = pending;
    else this.start(pending);
  }

  /** The verdict once every byte was fed. */
  finish(): CsvEncoding | undefined {
    if (!this.started) this.start(this.head);
    if (this.carry.length > 0) this.validUtf8 = false; // a sequence cut off by the end of the file
    if (this.binary || !this.hasContent) return undefined;
    if (this.validUtf8) return 'utf8';
    // A UTF-8 BOM in front of bytes that are not UTF-8 is a broken file, not Windows-1252 text.
    return this.undefined1252 || this.bom ? undefined : 'win1252';
  }

  private start(pending: Buffer): void {
    this.started = true;
    this.head = Buffer.alloc(0);
    this.bom = BOM.every((byte, i) => pending[i] === byte);
    this.scan(this.bom ? pending.subarray(BOM.length) : pending);
  }

  private scan(data: Buffer): void {
    for (let i = 0; i < data.length; i++) {
      const byte = data[i] ?? 0;
      if (BINARY[byte]) {
        this.binary = true;
        return;
      }
      if (!BLANK[byte]) this.hasContent = true;
    }
    for (const byte of UNDEFINED_1252) if (data.includes(byte)) this.undefined1252 = true;
    if (!this.validUtf8) return;
    const joined = this.carry.length > 0 ? Buffer.concat([this.carry, data]) : data;
    const cut = incompleteTail(joined);
    if (!isUtf8(joined.subarray(0, cut))) this.validUtf8 = false;
    this.carry = Buffer.from(joined.subarray(cut));
  }
}

/** Where a trailing, not yet complete UTF-8 sequence starts (the length when none is pending). */
function incompleteTail(data: Buffer): number {
  for (let i = data.length - 1; i >= Math.max(0, data.length - 3); i--) {
    const byte = data[i] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    if (byte < 0xc0) return data.length;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return data.length - i < need ? i : data.length;
  }
  return data.length;
}

/**
 * The stored chunks as UTF-8 bytes, in order, without a leading BOM: UTF-8 passes through untouched
 * (the CSV parser reads bytes and decodes each field whole, so a character split between two chunks
 * is fine); Windows-1252 is transcoded.
 */
export async function* utf8Chunks(
  chunks: AsyncIterable<Buffer>,
  encoding: CsvEncoding,
): AsyncGenerator<Buffer> {
  if (encoding === 'win1252') {
    const decoder = iconv.getDecoder('windows-1252');
    for await (const chunk of chunks) yield Buffer.from(decoder.write(chunk), 'utf8');
    const rest = decoder.end();
    if (rest) yield Buffer.from(rest, 'utf8');
    return;
  }
  let head: Buffer | undefined = Buffer.alloc(0);
  for await (const chunk of chunks) {
    if (head === undefined) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < BOM.length) continue;
    const hasBom = BOM.every((byte, i) => head?.[i] === byte);
    yield hasBom ? head.subarray(BOM.length) : head;
    head = undefined;
  }
  if (head !== undefined && head.length > 0 && !BOM.every((byte, i) => head?.[i] === byte)) yield head;
}
