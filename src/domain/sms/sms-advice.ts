import type { SmsEncoding } from '../ports/transports.js';
import { isGsm7Char, segmentMessage } from './segments.js';

/**
 * The encoding adviser's rules, pure and free of Node modules: the web composer's bundle
 * (scripts/build-web.mjs) imports this file and segments.ts as they are, so the page counts exactly
 * as `send` does, and the server could apply the same replacements.
 *
 * One character outside GSM 03.38 turns a whole SMS into UCS-2 (70 characters a part instead of
 * 160). French typography is full of such characters that have a plain GSM-7 twin: apostrophes and
 * quotes from word processors, dashes, the ellipsis, non-breaking and narrow spaces. Those are the
 * ones offered for replacement, always shown to the writer first, never applied silently. Letters
 * such as « û », « ç » or « œ » have no GSM-7 equivalent and are only named: changing them would
 * change the words.
 */

/** The typographic characters with a GSM-7 equivalent, and that equivalent. */
export const GSM7_EQUIVALENTS: ReadonlyMap<string, string> = new Map([
  ['\u2019', "'"], // ’ right single quotation mark (the apostrophe of word processors)
  ['\u2018', "'"], // ‘
  ['\u201A', "'"], // ‚
  ['\u2032', "'"], // ′ prime
  ['\u2039', "'"], // ‹
  ['\u203A', "'"], // ›
  ['\u00AB', '"'], // «
  ['\u00BB', '"'], // »
  ['\u201C', '"'], // “
  ['\u201D', '"'], // ”
  ['\u201E', '"'], // „
  ['\u2033', '"'], // ″
  ['\u2010', '-'], // ‐ hyphen
  ['\u2011', '-'], // ‑ non-breaking hyphen
  ['\u2012', '-'], // ‒ figure dash
  ['\u2013', '-'], // – en dash
  ['\u2014', '-'], // — em dash
  ['\u2212', '-'], // − minus sign
  ['\u2026', '...'], // … ellipsis
  ['\u00A0', ' '], // no-break space
  ['\u202F', ' '], // narrow no-break space (French before ; : ! ? »)
  ['\u2007', ' '], // figure space
  ['\u2009', ' '], // thin space
  ['\u200A', ' '], // hair space
  ['\u2002', ' '], // en space
  ['\u2003', ' '], // em space
]);

/** The text an SMS carries: NFC, so a decomposed "é" (e + combining accent) is one GSM-7 character. */
export function normaliseSmsText(text: string): string {
  return text.normalize('NFC');
}

/** A character that forces UCS-2, in order of first appearance. */
export interface Ucs2Character {
  readonly char: string;
  /** U+XXXX, for characters a reader cannot see (spaces) or tell apart. */
  readonly codePoint: string;
  readonly count: number;
  /** Its GSM-7 equivalent, when it has one (a typographic character). */
  readonly replacement: string | null;
}

export interface SmsAdvice {
  readonly characters: number;
  readonly encoding: SmsEncoding;
  readonly parts: number;
  /** The characters that force UCS-2 (empty in GSM-7). */
  readonly causes: readonly Ucs2Character[];
  /** Parts the same text would take in GSM-7 (each UCS-2 character counted as one septet): the cost. */
  readonly partsIfGsm7: number;
  /** Parts once the typographic characters are replaced (equal to `parts` when nothing changes). */
  readonly partsAfterReplacing: number;
  /** Whether replacing the typographic characters brings the text back to GSM-7. */
  readonly replacingMakesGsm7: boolean;
}

function codePointOf(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The characters of `text` outside GSM-7, each once with its count. */
export function ucs2Causes(text: string): Ucs2Character[] {
  const found = new Map<string, number>();
  for (const char of normaliseSmsText(text)) {
    if (!isGsm7Char(char)) found.set(char, (found.get(char) ?? 0) + 1);
  }
  return [...found].map(([char, count]) => ({
    char,
    codePoint: codePointOf(char),
    count,
    replacement: GSM7_EQUIVALENTS.get(char) ?? null,
  }));
}

// French spacing inside guillemets goes with them: « super » becomes "super", not " super ".
const GUILLEMET_SPACING = /\u00AB[ \u00A0\u202F]+|[ \u00A0\u202F]+\u00BB/g;

/** The text with every typographic character replaced by its GSM-7 equivalent. */
export function replaceTypographic(text: string): string {
  let out = '';
  for (const char of normaliseSmsText(text).replace(GUILLEMET_SPACING, (m) => m.trim())) {
    out += GSM7_EQUIVALENTS.get(char) ?? char;
  }
  return out;
}

/** The text as if it were all GSM-7: typographic characters replaced, any other one as `?`. */
function gsm7StandIn(text: string): string {
  let out = '';
  for (const char of replaceTypographic(text)) out += isGsm7Char(char) ? char : '?';
  return out;
}

/** What the composer shows for `text`: its count as `send` answers it, and what replacing would save. */
export function adviseSms(text: string): SmsAdvice {
  const body = normaliseSmsText(text);
  const segmented = segmentMessage(body);
  const causes = segmented.encoding === 'UCS-2' ? ucs2Causes(body) : [];
  const replaceable = causes.some((cause) => cause.replacement !== null);
  const replaced = replaceable ? segmentMessage(replaceTypographic(body)) : segmented;
  const asGsm7 = causes.length === 0 ? segmented : segmentMessage(gsm7StandIn(body));
  return {
    characters: Array.from(body).length,
    encoding: segmented.encoding,
    parts: body === '' ? 0 : segmented.parts.length,
    causes,
    partsIfGsm7: body === '' ? 0 : asGsm7.parts.length,
    partsAfterReplacing: body === '' ? 0 : replaced.parts.length,
    replacingMakesGsm7: replaceable && replaced.encoding === 'GSM-7',
  };
}
