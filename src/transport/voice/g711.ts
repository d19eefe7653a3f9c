/**
 * ITU-T G.711 companding, the reference bit manipulation (as in Sun's g711.c): µ-law (PCMU, North
 * America) with bias 0x84 and clip 32635; A-law (PCMA, elsewhere) with its even bits inverted (0x55).
 * Decoding goes through 256-entry tables, built once.
 */

export function linearToMuLaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

const A_LAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

export function linearToALaw(sample: number): number {
  let pcm = sample >> 3; // A-law works on 13 bits
  let mask = 0xd5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const segment = A_LAW_SEGMENT_ENDS.findIndex((end) => pcm <= end);
  if (segment < 0) return 0x7f ^ mask;
  const mantissa = (segment < 2 ? pcm >> 1 : pcm >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

function muLawToLinearSlow(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function aLawToLinearSlow(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  magnitude = exponent === 0 ? magnitude + 8 : (magnitude + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

const MU_LAW_TABLE = Int16Array.from({ length: 256 }, (_, byte) => muLawToLinearSlow(byte));
const A_LAW_TABLE = Int16Array.from({ length: 256 }, (_, byte) => aLawToLinearSlow(byte));

export function muLawToLinear(byte: number): number {
  return MU_LAW_TABLE[byte & 0xff] ?? 0;
}

export function aLawToLinear(byte: number): number {
  return A_LAW_TABLE[byte & 0xff] ?? 0;
}

/**
 * Every 16-bit sample's code in each law, built on first use (2 × 64 KiB): encoding a prompt of
 * ~90,000 samples is then one lookup each, well under a millisecond, so 50 calls answered at once do
 * not hold the event loop (and the other calls' RTP) for long.
 */
let encodeTables: Record<'PCMU' | 'PCMA', Uint8Array> | undefined;

function tables(): Record<'PCMU' | 'PCMA', Uint8Array> {
  encodeTables ??= {
    PCMU: Uint8Array.from({ length: 65536 }, (_, i) => linearToMuLaw(i - 32768)),
    PCMA: Uint8Array.from({ length: 65536 }, (_, i) => linearToALaw(i - 32768)),
  };
  return encodeTables;
}

/** Encodes 16-bit samples for the negotiated codec. */
export function encodeG711(samples: Int16Array, codec: 'PCMU' | 'PCMA'): Buffer {
  const table = tables()[codec];
  const out = Buffer.allocUnsafe(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[(samples[i] ?? 0) + 32768] ?? 0;
  return out;
}

export function decodeG711(bytes: Uint8Array, codec: 'PCMU' | 'PCMA'): Int16Array {
  const table = codec === 'PCMU' ? MU_LAW_TABLE : A_LAW_TABLE;
  return Int16Array.from(bytes, (byte) => table[byte] ?? 0);
}
