/**
 * The spoken prompt of a verification call, assembled from recorded pieces: "Votre code de
 * vérification est :", each digit with a short pause between them, "Je répète :", the digits again
 * (the contract's text, domain/verification/verification.ts `verificationVoiceText`). The pieces are
 * espeak-ng's speech at 8 kHz in G.711 µ-law under assets/voice/<language>/, made by
 * `npm run build:voice` (scripts/build-voice-prompts.mjs); they are read once, so assembling a call's
 * audio is a few copies, well within the 100 ms a call may take to start.
 */
import { readFileSync } from 'node:fs';
import { muLawToLinear } from './g711.js';

export type PromptLanguage = 'fr' | 'en';

const SAMPLE_RATE = 8000;
/** Pauses, in milliseconds: before the first word, after a phrase, between digits, between the two readings. */
const PAUSES = { lead: 300, afterPhrase: 350, betweenDigits: 300, beforeRepeat: 800, tail: 400 };

interface LanguagePieces {
  readonly intro: Int16Array;
  readonly repeat: Int16Array;
  readonly digits: readonly Int16Array[];
}

export class VoicePrompts {
  private readonly pieces: Record<PromptLanguage, LanguagePieces>;

  /** `directory` holds fr/ and en/; by default the repository's assets/voice/. */
  constructor(directory: URL = new URL('../../../assets/voice/', import.meta.url)) {
    const load = (language: PromptLanguage, name: string): Int16Array =>
      Int16Array.from(readFileSync(new URL(`${language}/${name}.ulaw`, directory)), muLawToLinear);
    const forLanguage = (language: PromptLanguage): LanguagePieces => ({
      intro: load(language, 'intro'),
      repeat: load(language, 'repeat'),
      digits: Array.from({ length: 10 }, (_, digit) => load(language, `digit-${digit}`)),
    });
    this.pieces = { fr: forLanguage('fr'), en: forLanguage('en') };
  }

  /** The whole prompt as 16-bit samples at 8 kHz; any character of `code` that is not a digit is skipped. */
  assemble(code: string, language: PromptLanguage): Int16Array {
    const pieces = this.pieces[language];
    const digits = [...code].filter((c) => c >= '0' && c <= '9').map((c) => pieces.digits[Number(c)]);
    const parts: (Int16Array | number)[] = [PAUSES.lead];
    const reading = (): void => {
      digits.forEach((digit, index) => {
        if (index > 0) parts.push(PAUSES.betweenDigits);
        if (digit) parts.push(digit);
      });
    };
    parts.push(pieces.intro, PAUSES.afterPhrase);
    reading();
    parts.push(PAUSES.beforeRepeat, pieces.repeat, PAUSES.afterPhrase);
    reading();
    parts.push(PAUSES.tail);
    const length = parts.reduce<number>(
      (sum, part) => sum + (typeof part === 'number' ? silence(part) : part.length),
      0,
    );
    const out = new Int16Array(length);
    let offset = 0;
    for (const part of parts) {
      if (typeof part === 'number') offset += silence(part);
      else {
        out.set(part, offset);
        offset += part.length;
      }
    }
    return out;
  }
}

function silence(ms: number): number {
  return (ms * SAMPLE_RATE) / 1000;
}
