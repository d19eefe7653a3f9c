/**
 * How alike a recording and the audio we meant to send are: the best normalised cross-correlation
 * over the recording's possible delays (1.0 = the same waveform, up to volume). The delay is found on
 * a 4× decimated copy first (cheap), then refined sample by sample around it.
 */
export function bestCorrelation(recorded: Int16Array, expected: Int16Array, maxDelay = 8_000): number {
  const coarse = 4;
  const r4 = decimate(recorded, coarse);
  const e4 = decimate(expected, coarse);
  let bestLag = 0;
  let best = -Infinity;
  for (let lag = 0; lag <= Math.floor(maxDelay / coarse); lag++) {
    const value = correlationAt(r4, e4, lag);
    if (value > best) {
      best = value;
      bestLag = lag * coarse;
    }
  }
  best = -Infinity;
  for (let lag = Math.max(0, bestLag - coarse); lag <= bestLag + coarse; lag++) {
    best = Math.max(best, correlationAt(recorded, expected, lag));
  }
  return best;
}

function decimate(samples: Int16Array, factor: number): Float64Array {
  const out = new Float64Array(Math.floor(samples.length / factor));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = 0; k < factor; k++) sum += samples[i * factor + k] ?? 0;
    out[i] = sum / factor;
  }
  return out;
}

/** Normalised correlation of `expected` with `recorded` delayed by `lag` samples (missing samples count as silence). */
function correlationAt(recorded: ArrayLike<number>, expected: ArrayLike<number>, lag: number): number {
  let product = 0;
  let energyR = 0;
  let energyE = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] ?? 0;
    const r = recorded[i + lag] ?? 0;
    product += r * e;
    energyR += r * r;
    energyE += e * e;
  }
  return energyR === 0 || energyE === 0 ? 0 : product / Math.sqrt(energyR * energyE);
}
