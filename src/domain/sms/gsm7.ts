/**
 * The GSM 03.38 alphabet (3GPP TS 23.038 §6.2.1): the default table and its extension table, one
 * septet per table position. SMPP carries GSM-7 unpacked (data_coding 0: one septet per octet), so
 * encoding here yields one byte per septet and the SMSC does the packing.
 */

// Position = septet value. 0x1B is the escape to the extension table, never a character of its own.
const DEFAULT_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Extension table (after ESC 0x1B): each of these counts as two septets. */
const EXTENSION_TABLE: ReadonlyArray<readonly [number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

export const GSM7_ESCAPE = 0x1b;

const DEFAULT_BY_CHAR = new Map<string, number>();
for (let septet = 0; septet < DEFAULT_TABLE.length; septet++) {
  if (septet !== GSM7_ESCAPE) DEFAULT_BY_CHAR.set(DEFAULT_TABLE.charAt(septet), septet);
}
const EXTENSION_BY_CHAR = new Map<string, number>(EXTENSION_TABLE.map(([septet, char]) => [char, septet]));
const EXTENSION_BY_SEPTET = new Map<number, string>(EXTENSION_TABLE);

/** Septets a character takes in GSM-7 (1 or 2), or undefined when it is not in the alphabet. */
export function gsm7Septets(char: string): 1 | 2 | undefined {
  if (DEFAULT_BY_CHAR.has(char)) return 1;
  if (EXTENSION_BY_CHAR.has(char)) return 2;
  return undefined;
}

/** Whether every character of `text` is in the default or the extension table. */
export function isGsm7(text: string): boolean {
  for (const char of text) if (gsm7Septets(char) === undefined) return false;
  return true;
}

/** Encodes to unpacked septets. Throws RangeError on a character outside the alphabet. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const char of text) {
    const septet = DEFAULT_BY_CHAR.get(char);
    if (septet !== undefined) {
      out.push(septet);
      continue;
    }
    const extended = EXTENSION_BY_CHAR.get(char);
    if (extended === undefined) {
      const code = char.codePointAt(0) ?? 0;
      throw new RangeError(
        `U+${code.toString(16).toUpperCase().padStart(4, '0')} is not in the GSM-7 alphabet`,
      );
    }
    out.push(GSM7_ESCAPE, extended);
  }
  return Buffer.from(out);
}

/**
 * Decodes unpacked septets. The top bit of each octet is ignored; an escape followed by a septet
 * the extension table does not define reads as that septet of the default table, as 23.038 asks of
 * receivers; a trailing escape is dropped.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = (bytes[i] ?? 0) & 0x7f;
    if (septet !== GSM7_ESCAPE) {
      text += DEFAULT_TABLE.charAt(septet);
      continue;
    }
    i++;
    if (i >= bytes.length) break;
    const next = (bytes[i] ?? 0) & 0x7f;
    text += EXTENSION_BY_SEPTET.get(next) ?? (next === GSM7_ESCAPE ? ' ' : DEFAULT_TABLE.charAt(next));
  }
  return text;
}
