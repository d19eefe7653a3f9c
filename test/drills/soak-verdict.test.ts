import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeSoak, type SoakMinute, type VerdictRules } from '../../bench/lib/soak-verdict.js';

/**
 * The soak's verdict (issue #16, item 5) on series whose answer is known: a 35-minute run, a bulk
 * import and broadcast in the first minute of every 5-minute cycle lifting memory for two minutes.
 */
const RULES: VerdictRules = { cycleMinutes: 5, warmupMinutes: 12, sqlite: false };

interface Shape {
  /** Anonymous memory between bulk jobs at this minute, MB. */
  anon(minute: number): number;
  heap?(minute: number): number;
  db?(minute: number): number;
}

function run(shape: Shape, minutes = 35): SoakMinute[] {
  return Array.from({ length: minutes }, (_, i) => {
    const minute = i + 1;
    const inCycle = (minute - 1) % 5;
    // The import and the broadcast: +70 MB in the minute they run, +30 MB in the next.
    const bulk = inCycle === 0 ? 70 : inCycle === 1 ? 30 : 0;
    // Collections land at other moments of each minute: ±2 MB that follows no trend.
    const noise = ((minute * 7) % 5) - 2;
    const heap = (shape.heap?.(minute) ?? 60) + bulk / 2 + noise;
    const anon = shape.anon(minute) + bulk + noise;
    return {
      minute,
      rssMb: anon + 50,
      anonMb: anon,
      fileMb: 50,
      heapMb: heap,
      heapTotalMb: heap + 40,
      externalMb: 4,
      dbMb: shape.db?.(minute) ?? 0,
      lagP99Ms: 20,
      handles: 30,
    };
  });
}

describe('soak verdict', () => {
  it('calls a warm-up that stops FLAT, though RSS rose by 80 MB in the first minutes', () => {
    const verdict = judgeSoak(run({ anon: (m) => 200 + 80 * Math.min(1, m / 12) }), RULES);
    assert.equal(verdict.kind, 'FLAT');
    assert.deepEqual(
      verdict.baselines.map((c) => c.firstMinute),
      [16, 21, 26, 31],
    );
  });

  it('calls a steady 1 MB a minute of native memory GROWING, whatever the heap does', () => {
    const verdict = judgeSoak(run({ anon: (m) => 200 + m }), RULES);
    assert.equal(verdict.kind, 'GROWING');
    assert.ok((verdict.anonMbPerHour ?? 0) > 50, `anon ${verdict.anonMbPerHour} MB/h`);
  });

  it('calls a climbing heap GROWING', () => {
    const verdict = judgeSoak(run({ anon: () => 200, heap: (m) => 60 + m / 2 }), RULES);
    assert.equal(verdict.kind, 'GROWING');
    assert.ok((verdict.heapMbPerHour ?? 0) > 20, `heap ${verdict.heapMbPerHour} MB/h`);
  });

  it("allows SQLite's two page caches the pages added to the database, and no more", () => {
    // The database grows 0.5 MB a minute and both connections cache every new page.
    const filling: Shape = { anon: (m) => 200 + 2 * 0.5 * m, db: (m) => 10 + 0.5 * m };
    assert.equal(judgeSoak(run(filling), { ...RULES, sqlite: true }).kind, 'FLAT');
    // The same growth on PostgreSQL has no cache to explain it.
    assert.equal(judgeSoak(run(filling), RULES).kind, 'GROWING');
    // Once the database is past 64 MiB the caches are full: growth is growth again.
    const full: Shape = { anon: (m) => 200 + 2 * 0.5 * m, db: (m) => 100 + 0.5 * m };
    assert.equal(judgeSoak(run(full), { ...RULES, sqlite: true }).kind, 'GROWING');
  });

  it('calls one jump that does not recur UNDECIDED rather than a leak', () => {
    const verdict = judgeSoak(run({ anon: (m) => (m > 30 ? 215 : 200) }), RULES);
    assert.equal(verdict.kind, 'UNDECIDED');
  });

  it('needs three cycles after the warm-up', () => {
    assert.equal(judgeSoak(run({ anon: () => 200 }, 25), RULES).kind, 'TOO SHORT');
  });
});
