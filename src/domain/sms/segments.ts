import type { SmsEncoding } from '../ports/transports.js';

/**
 * SMS segmenting per contract §3.2 and 3GPP TS 23.038: GSM 03.38 default alphabet → 160 septets in
 * one part, 153 per concatenated part (the UDH takes 7); extension-table characters take two septets
 * (escape + char). Anything else → UCS-2: 70 UTF-16 units in one part, 67 per part. A part never
 * splits an escape sequence or a surrogate pair. At most MAX_PARTS parts.
 */

export const MAX_PARTS = 10;

/** The GSM 03.38 basic character set (the escape position 0x1B excluded). */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: each costs two septets. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const satisfies Record<SmsEncoding, { single: number; multi: number }>;

export interface SegmentedMessage {
  readonly encoding: SmsEncoding;
  /** The text of each part; they concatenate back to the original. */
  readonly parts: readonly string[];
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text. */
  readonly units: number;
}

/** Whether one character (a code point) is in the GSM 03.38 default or extension table. */
export function isGsm7Char(ch: string): boolean {
  return BASIC.has(ch) || EXTENSION.has(ch);
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!isGsm7Char(ch)) return false;
  return true;
}

/** The cost of one character (a code point) in the chosen encoding. */
function unitCost(ch: string, encoding: SmsEncoding): number {
  if (encoding === 'UCS-2') return ch.length; // 2 for a character outside the BMP
  return EXTENSION.has(ch) ? 2 : 1;
}

/** Splits a text into parts; the caller checks `parts.length <= MAX_PARTS`. */
export function segmentMessage(text: string): SegmentedMessage {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const limits = LIMITS[encoding];
  const chars = Array.from(text); // code points: a surrogate pair is one element, never split
  let units = 0;
  for (const ch of chars) units += unitCost(ch, encoding);
  if (units <= limits.single) return { encoding, parts: [text], units };
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of chars) {
    const cost = unitCost(ch, encoding);
    if (used + cost > limits.multi) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += cost;
  }
  if (current !== '') parts.push(current);
  return { encoding, parts, units };
}
