import { readFile } from 'node:fs/promises';

/**
 * A process's CPU time and memory as Linux accounts them (/proc/<pid>/stat, /proc/<pid>/status), for
 * drills that watch a server in a child process: whatever the process does (event loop, worker
 * threads, the SQLite writer), it is counted here.
 */

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds the process has used so far, threads included. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc/${pid}/stat`);
  return (utime + stime) / TICKS_PER_SECOND;
}

/** Current resident set (VmRSS), in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

/** Measures the CPU a process uses from now until stop(): seconds of CPU and the share of one core. */
export async function startCpuWatch(
  pid: number,
): Promise<{ stop(): Promise<{ cpuSeconds: number; wallSeconds: number; percent: number }> }> {
  const cpu0 = await cpuSeconds(pid);
  const wall0 = performance.now();
  return {
    async stop() {
      const used = (await cpuSeconds(pid)) - cpu0;
      const wall = (performance.now() - wall0) / 1000;
      return { cpuSeconds: used, wallSeconds: wall, percent: wall > 0 ? (used / wall) * 100 : 0 };
    },
  };
}

/**
 * The resident set split the way the kernel counts it (/proc/<pid>/status): anonymous memory (the
 * heaps: V8's, malloc's, SQLite's page cache) and file-backed pages (the node binary, shared
 * libraries, mapped files), which grow as code is first touched and say nothing about a leak.
 */
export async function residentBreakdown(pid: number): Promise<{ rss: number; anon: number; file: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => {
    const value = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
    if (value === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(value) * 1024;
  };
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/** glibc's heaps for threads other than the main one are 64 MiB-aligned mappings of at most 64 MiB. */
const ARENA_BYTES = 64 * 1024 * 1024;

/**
 * Resident bytes of glibc's malloc heaps (/proc/<pid>/smaps): the main thread's (`[heap]`) and the
 * other threads' arenas, recognised by their 64 MiB alignment. What native code allocates lands
 * there, SQLite's page cache included (the writer thread's in its arena); V8's heaps are mapped
 * apart. A heuristic of glibc's layout, for attributing growth, not for accounting to the byte.
 */
export async function mallocResident(pid: number): Promise<{ mainArena: number; threadArenas: number }> {
  const smaps = await readFile(`/proc/${pid}/smaps`, 'utf8');
  let mainArena = 0;
  let threadArenas = 0;
  let current: 'main' | 'thread' | undefined;
  for (const line of smaps.split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (mapping) {
      const [, start = '0', end = '0', perms = '', inode = '0', name = ''] = mapping;
      const from = BigInt(`0x${start}`);
      const size = BigInt(`0x${end}`) - from;
      const anonymous = inode === '0' && name.trim() === '';
      const arena = BigInt(ARENA_BYTES);
      current =
        name.trim() === '[heap]'
          ? 'main'
          : anonymous && perms.startsWith('rw') && from % arena === 0n && size <= arena
            ? 'thread'
            : undefined;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line)?.[1];
    if (rss === undefined || current === undefined) continue;
    if (current === 'main') mainArena += Number(rss) * 1024;
    else threadArenas += Number(rss) * 1024;
  }
  return { mainArena, threadArenas };
}
