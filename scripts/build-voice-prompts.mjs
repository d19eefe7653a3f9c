// Synthesises the verification call's spoken pieces with Debian's espeak-ng and writes them as
// 8 kHz G.711 µ-law files under assets/voice/<language>/ (committed: a server needs no synthesiser).
// Run with `npm run build:voice` after changing a text below; the transport assembles a call's
// prompt from these pieces (src/transport/voice/voice-prompts.ts).
import { execFileSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = new URL('../assets/voice/', import.meta.url).pathname;
const RATE = 8000;

// espeak-ng has no Québécois voice of its own (fr-ca exists only as an MBROLA voice, not shipped by
// Debian's main archive), so French uses its `fr` voice; a slightly slower rate keeps digits clear.
const LANGUAGES = {
  fr: {
    voice: 'fr',
    pieces: {
      intro: 'Votre code de vérification est :',
      repeat: 'Je répète :',
      digits: ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'],
    },
  },
  en: {
    voice: 'en-us',
    pieces: {
      intro: 'Your verification code is:',
      repeat: 'I repeat:',
      digits: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
    },
  },
};

/** espeak-ng's WAV on stdout → mono 16-bit samples and their rate. */
function synthesise(voice, text) {
  const wav = execFileSync('espeak-ng', ['-v', voice, '-s', '150', '--stdout', text], { maxBuffer: 1 << 26 });
  let offset = 12;
  let rate = 22050;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') rate = wav.readUInt32LE(offset + 12);
    if (id === 'data') {
      // espeak-ng streaming to stdout leaves the data size unset (0 or 0xFFFFFFFF): read to the end.
      const end = size === 0 || size === 0xffffffff ? wav.length : Math.min(wav.length, offset + 8 + size);
      const samples = new Int16Array((end - offset - 8) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = wav.readInt16LE(offset + 8 + i * 2);
      return { samples, rate };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error(`espeak-ng gave no audio for "${text}"`);
}

/** Band-limited resampling (windowed sinc, cut-off below the new Nyquist): no aliasing in the 8 kHz prompt. */
function resample(samples, from, to) {
  const ratio = from / to;
  const cutoff = Math.min(1, to / from) * 0.9;
  const half = 16;
  const out = new Int16Array(Math.floor(samples.length / ratio));
  for (let n = 0; n < out.length; n++) {
    const centre = n * ratio;
    let sum = 0;
    for (let k = Math.ceil(centre - half / cutoff); k <= Math.floor(centre + half / cutoff); k++) {
      if (k < 0 || k >= samples.length) continue;
      const x = (k - centre) * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * x) / half);
      sum += samples[k] * sinc * window * cutoff;
    }
    out[n] = Math.max(-32768, Math.min(32767, Math.round(sum)));
  }
  return out;
}

/** Drops leading and trailing near-silence, so the transport alone decides the pauses. */
function trim(samples) {
  const threshold = 300;
  let start = 0;
  while (start < samples.length && Math.abs(samples[start]) < threshold) start++;
  let end = samples.length;
  while (end > start && Math.abs(samples[end - 1]) < threshold) end--;
  return samples.subarray(Math.max(0, start - 40), Math.min(samples.length, end + 40));
}

/** ITU-T G.711 µ-law, the reference bit manipulation (bias 0x84, clip 32635). */
function muLaw(sample) {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

let total = 0;
for (const [language, { voice, pieces }] of Object.entries(LANGUAGES)) {
  const dir = join(OUT, language);
  mkdirSync(dir, { recursive: true });
  const named = [
    ['intro', pieces.intro],
    ['repeat', pieces.repeat],
    ...pieces.digits.map((word, digit) => [`digit-${digit}`, word]),
  ];
  for (const [name, text] of named) {
    const { samples, rate } = synthesise(voice, text);
    const pcm = trim(resample(samples, rate, RATE));
    const encoded = Buffer.from(Array.from(pcm, muLaw));
    writeFileSync(join(dir, `${name}.ulaw`), encoded);
    total += encoded.length;
    console.log(`${language}/${name}.ulaw  ${(pcm.length / RATE).toFixed(2)} s  "${text}"`);
  }
}
console.log(`total ${(total / 1024).toFixed(0)} KiB`);
