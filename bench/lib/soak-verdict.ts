/**
 * The soak's memory verdict (bench/soak.ts), kept apart so that a recorded run can be judged again
 * (`--judge FILE`) and the rule tested on known series (test/drills/soak-verdict.test.ts).
 *
 * Every `cycleMinutes` the traffic imports contacts and starts a broadcast, which lifts memory for a
 * minute or two; between them the process sits at its baseline. A leak is a baseline that climbs
 * cycle after cycle. Warm-up is a baseline that climbs and stops: V8 sizing its heap, code pages
 * touched for the first time, glibc arenas taking their share, SQLite's page caches filling.
 */

export interface SoakMinute {
  minute: number;
  rssMb: number;
  /** RSS split as /proc counts it: anonymous (V8 heaps, malloc, SQLite's page cache) and file-backed. */
  anonMb: number;
  fileMb: number;
  /** The main thread's V8 heap: used, and reserved (used + free). */
  heapMb: number;
  heapTotalMb: number;
  /** Memory V8 accounts outside its heap: Buffers and ArrayBuffers. */
  externalMb: number;
  /**
   * Resident in glibc's malloc heaps (every thread's arena) at the minute's end: native allocations, SQLite's page
   * caches among them. Absent from runs recorded before it was sampled.
   */
  mallocMb?: number;
  /** SQLite: the database and its WAL (0 on PostgreSQL). */
  dbMb: number;
  lagP99Ms: number;
  handles: number;
}

/** One bulk cycle: the minute of lowest heap and the minute of lowest anonymous memory. */
export interface CycleBaseline {
  firstMinute: number;
  lastMinute: number;
  heap: SoakMinute;
  anon: SoakMinute;
  /** The database at the cycle's end: what the page caches may have grown to hold. */
  dbMb: number;
}

export interface SoakVerdict {
  kind: 'FLAT' | 'GROWING' | 'UNDECIDED' | 'TOO SHORT';
  baselines: CycleBaseline[];
  /** Compared: the third-to-last and the last baseline. */
  from?: CycleBaseline;
  to?: CycleBaseline;
  heapMbPerHour?: number;
  /** Anonymous memory growth per hour once the page-cache allowance is taken off. */
  anonMbPerHour?: number;
  cacheAllowanceMb?: number;
}

export interface VerdictRules {
  cycleMinutes: number;
  warmupMinutes: number;
  sqlite: boolean;
}

/** A leak this slow would still be 240 MB of heap or 480 MB of native memory a day: worth finding. */
export const HEAP_MB_PER_HOUR = 10;
export const ANON_MB_PER_HOUR = 20;
/**
 * SQLite's page cache (`cache_size = -65536`, src/store/sqlite/sqlite-connection.ts): at most 64 MiB
 * on each of the server's two connections (reader on the main thread, writer thread). A cache cannot
 * hold more than the database, so while the database is smaller than that, every page added to it
 * may be kept by both. pcache1 spends about 10 % over the 4 KiB page (its headers, btree's MemPage,
 * malloc's chunk header).
 */
const CACHE_MB_PER_CONNECTION = 64;
const CONNECTIONS = 2;
const PAGE_OVERHEAD = 1.1;

/** Whole cycles aligned on the traffic's (the bulk jobs run in minute 1 of each). */
export function cycleBaselines(minutes: readonly SoakMinute[], cycleMinutes: number): CycleBaseline[] {
  const found: CycleBaseline[] = [];
  for (let start = 0; start + cycleMinutes <= minutes.length; start += cycleMinutes) {
    const cycle = minutes.slice(start, start + cycleMinutes);
    const first = cycle[0];
    const last = cycle.at(-1);
    if (first === undefined || last === undefined) break;
    found.push({
      firstMinute: first.minute,
      lastMinute: last.minute,
      heap: cycle.reduce((low, m) => (m.heapMb < low.heapMb ? m : low)),
      anon: cycle.reduce((low, m) => (m.anonMb < low.anonMb ? m : low)),
      dbMb: last.dbMb,
    });
  }
  return found;
}

/**
 * FLAT when, from the third-to-last to the last baseline after the warm-up, the heap grew less than
 * HEAP_MB_PER_HOUR and anonymous memory less than ANON_MB_PER_HOUR beyond what SQLite's caches may
 * take of the pages added meanwhile. GROWING when it grew more and rose at each of the two steps (a
 * leak climbs every cycle); UNDECIDED when it grew more but not step after step (the noise of when
 * collections run: run longer). RSS is not judged: its file-backed part is code read in once.
 */
export function judgeSoak(minutes: readonly SoakMinute[], rules: VerdictRules): SoakVerdict {
  const baselines = cycleBaselines(minutes, rules.cycleMinutes).filter(
    (c) => c.firstMinute > rules.warmupMinutes,
  );
  const from = baselines.at(-3);
  const middle = baselines.at(-2);
  const to = baselines.at(-1);
  if (from === undefined || middle === undefined || to === undefined) return { kind: 'TOO SHORT', baselines };
  const hours = (to.lastMinute - from.lastMinute) / 60;
  const cacheAllowanceMb = rules.sqlite
    ? CONNECTIONS *
      PAGE_OVERHEAD *
      Math.max(0, Math.min(to.dbMb, CACHE_MB_PER_CONNECTION) - Math.min(from.dbMb, CACHE_MB_PER_CONNECTION))
    : 0;
  const heapMbPerHour = (to.heap.heapMb - from.heap.heapMb) / hours;
  const anonMbPerHour = (to.anon.anonMb - from.anon.anonMb - cacheAllowanceMb) / hours;
  const measured = { baselines, from, to, heapMbPerHour, anonMbPerHour, cacheAllowanceMb };
  if (heapMbPerHour < HEAP_MB_PER_HOUR && anonMbPerHour < ANON_MB_PER_HOUR)
    return { kind: 'FLAT', ...measured };
  const climbs = (pick: (c: CycleBaseline) => number): boolean =>
    pick(middle) > pick(from) && pick(to) > pick(middle);
  const heapClimbs = heapMbPerHour >= HEAP_MB_PER_HOUR && climbs((c) => c.heap.heapMb);
  const anonClimbs = anonMbPerHour >= ANON_MB_PER_HOUR && climbs((c) => c.anon.anonMb);
  return { kind: heapClimbs || anonClimbs ? 'GROWING' : 'UNDECIDED', ...measured };
}

/** The verdict and where the memory went between the two baselines compared, as printed lines. */
export function describeVerdict(verdict: SoakVerdict, rules: VerdictRules): string[] {
  const lines = [
    `baselines (lowest minute of each ${rules.cycleMinutes}-min cycle after the ${rules.warmupMinutes}-min warm-up): ` +
      verdict.baselines
        .map(
          (c) =>
            `min ${c.firstMinute}–${c.lastMinute}: heap ${c.heap.heapMb.toFixed(1)} MB (min ${c.heap.minute}), ` +
            `anon ${c.anon.anonMb.toFixed(1)} MB (min ${c.anon.minute}), RSS ${c.anon.rssMb.toFixed(1)}`,
        )
        .join('; '),
  ];
  const { from, to } = verdict;
  if (from === undefined || to === undefined)
    return [...lines, `verdict: ${verdict.kind} (3 cycles after the warm-up needed)`];
  const delta = (pick: (m: SoakMinute) => number): string => {
    const d = pick(to.anon) - pick(from.anon);
    return `${d >= 0 ? '+' : ''}${d.toFixed(1)}`;
  };
  const native =
    to.anon.anonMb -
    from.anon.anonMb -
    (to.anon.heapTotalMb - from.anon.heapTotalMb) -
    (to.anon.externalMb - from.anon.externalMb);
  lines.push(
    `from minute ${from.anon.minute} to ${to.anon.minute} (lowest anon of each): RSS ${delta((m) => m.rssMb)} MB = ` +
      `file-backed ${delta((m) => m.fileMb)} + anonymous ${delta((m) => m.anonMb)}; of the anonymous: V8 heap reserved ` +
      `${delta((m) => m.heapTotalMb)} (used ${delta((m) => m.heapMb)}), external ${delta((m) => m.externalMb)}, ` +
      `native (malloc, SQLite caches, worker threads' heaps) ${native >= 0 ? '+' : ''}${native.toFixed(1)}` +
      (from.anon.mallocMb === undefined
        ? ''
        : `, of which in malloc's arenas ${delta((m) => m.mallocMb ?? 0)}`) +
      '; ' +
      `database ${from.dbMb.toFixed(1)} → ${to.dbMb.toFixed(1)} MB`,
  );
  lines.push(
    `verdict: ${verdict.kind} — heap baseline ${verdict.heapMbPerHour?.toFixed(1)} MB/h (flat below ${HEAP_MB_PER_HOUR}), ` +
      `anonymous ${verdict.anonMbPerHour?.toFixed(1)} MB/h after ${verdict.cacheAllowanceMb?.toFixed(1)} MB allowed ` +
      `for SQLite's page caches (flat below ${ANON_MB_PER_HOUR})` +
      (verdict.kind === 'UNDECIDED' ? '; above the bound but not at every cycle: run longer' : ''),
  );
  return lines;
}
