import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FRAME_MS } from '../../../src/transport/voice/rtp-stream.js';
import { TickGrid, type GridClock } from '../../../src/transport/voice/rtp-tick-grid.js';

const ORIGIN = 1_000;

/**
 * A clock the test drives: each timer fires late by what `lateness` says (a busy thread, an OS that
 * did not schedule it), sleepUntil moves time forward as a real sleep would. Counts wakes and sleeps.
 */
function testClock(lateness: (wake: number) => number = () => 0): GridClock & {
  run(until?: number): void;
  advance(ms: number): void;
  readonly wakes: number[];
  readonly sleeps: number[];
} {
  let now = ORIGIN;
  const queue: { at: number; callback: () => void; cancelled: boolean }[] = [];
  const wakes: number[] = [];
  const sleeps: number[] = [];
  return {
    wakes,
    sleeps,
    now: () => now,
    schedule(callback, delayMs) {
      const entry = {
        at: now + Math.max(0, delayMs) + lateness(wakes.length + queue.length),
        callback,
        cancelled: false,
      };
      queue.push(entry);
      queue.sort((a, b) => a.at - b.at);
      return { cancel: () => (entry.cancelled = true) };
    },
    sleepUntil(at) {
      sleeps.push(at - now);
      now = Math.max(now, at);
    },
    advance(ms) {
      now += ms;
    },
    run(until = Infinity) {
      for (let entry = queue[0]; entry && entry.at <= until; entry = queue[0]) {
        queue.shift();
        if (entry.cancelled) continue;
        now = Math.max(now, entry.at);
        wakes.push(now);
        entry.callback();
      }
      if (until !== Infinity) now = Math.max(now, until);
    },
  };
}

describe('the RTP tick grid', () => {
  it('puts every stream on one 20 ms grid: one wake-up a tick sends every call its packet', async () => {
    const clock = testClock();
    const grid = new TickGrid(clock, { earlyMs: 2 });
    const sent: { stream: number; index: number; at: number }[] = [];
    const streams = [0, 1, 2].map((stream) => {
      clock.run(clock.now() + 7); // calls answered at different moments, within and across ticks
      return grid.add(50, (index) => sent.push({ stream, index, at: clock.now() }));
    });
    clock.run();
    await Promise.all(streams.map((s) => s.done));
    assert.equal(sent.length, 150);
    for (const { at } of sent) assert.equal((at - ORIGIN) % FRAME_MS, 0, `a packet off the grid at ${at}`);
    // Joined at 1007, 1014 and 1021: first ticks 1020, 1020 and 1040.
    assert.deepEqual(
      [0, 1, 2].map((stream) => sent.find((p) => p.stream === stream)?.at),
      [1020, 1020, 1040],
    );
    // 51 ticks (1020 … 2020), one wake-up each, not one per stream and packet.
    assert.equal(clock.wakes.length, 51);
    assert.equal(grid.size, 0);
  });

  it('wakes earlyMs before the tick and sleeps precisely to it: every packet leaves on its tick', async () => {
    const clock = testClock();
    const late: number[] = [];
    const wakes: number[] = [];
    const grid = new TickGrid(clock, {
      earlyMs: 2,
      onSent: (ms) => late.push(ms),
      onWake: (ms) => wakes.push(ms),
    });
    const stream = grid.add(10, () => {});
    clock.run();
    await stream.done;
    assert.deepEqual(
      clock.wakes.map((at) => at - ORIGIN),
      Array.from({ length: 10 }, (_, n) => n * FRAME_MS - 2).map((at) => Math.max(0, at)),
    );
    assert.deepEqual(clock.sleeps, Array(9).fill(2), 'the last 2 ms slept, not spun');
    assert.deepEqual(late, Array(10).fill(0));
    assert.equal(wakes.length, 10);
  });

  it('paces drift-free: timers late by up to 15 ms delay a packet, never the rest of the stream (pacing drift)', async () => {
    // Late on every wake, as under a loaded machine; a setTimeout(20) chain would drift by the sum.
    const clock = testClock((wake) => (wake * 7919) % 16);
    const late: number[] = [];
    const grid = new TickGrid(clock, { onSent: (ms) => late.push(ms) });
    const sentAt: number[] = [];
    const stream = grid.add(500, () => sentAt.push(clock.now()));
    clock.run();
    await stream.done;
    assert.equal(sentAt.length, 500);
    sentAt.forEach((at, n) => {
      const due = ORIGIN + n * FRAME_MS;
      assert.ok(at >= due, `packet ${n} left before its tick`);
      assert.ok(at - due <= 15, `packet ${n} is ${at - due} ms late: lateness accumulated`);
    });
    assert.deepEqual(
      late,
      sentAt.map((at, n) => at - (ORIGIN + n * FRAME_MS)),
    );
    assert.ok(late.filter((ms) => ms === 0).length > 80, 'wakes less late than earlyMs still send on time');
  });

  it('after a stall of two ticks sends the packets then due together, and is back on the grid', async () => {
    const clock = testClock((wake) => (wake === 3 ? 45 : 0));
    const sentAt: number[] = [];
    const changes: (number | undefined)[] = [];
    const g = new TickGrid(clock, { onSent: (_late, change) => changes.push(change) });
    const stream = g.add(8, () => sentAt.push(clock.now() - ORIGIN));
    clock.run();
    await stream.done;
    assert.deepEqual(sentAt, [0, 20, 40, 103, 103, 103, 120, 140]);
    // The sender's own D: 43 ms late after on time, then 23 and 3, then on time again.
    assert.deepEqual(changes, [undefined, 0, 0, 43, 20, 20, 3, 0]);
  });

  it('stop() ends one stream at once; the others keep their ticks; an idle grid sets no timer', async () => {
    const clock = testClock();
    const g = grid(clock);
    const counts = { first: 0, second: 0 };
    const first = g.add(100, () => counts.first++);
    const second = g.add(5, () => counts.second++);
    clock.run(ORIGIN + 2 * FRAME_MS);
    first.stop();
    await first.done;
    clock.run();
    await second.done;
    assert.deepEqual(counts, { first: 3, second: 5 });
    assert.equal(g.size, 0);
    const wakesThen = clock.wakes.length;
    clock.advance(1_000);
    clock.run();
    assert.equal(clock.wakes.length, wakesThen, 'no wake-up without a stream');
  });

  it('with slots, spreads the streams over the tick: each wake sends only its slot, every stream stays on its grid', async () => {
    const clock = testClock();
    const g = new TickGrid(clock, { earlyMs: 1, slots: 4 });
    const sent: { stream: number; at: number }[] = [];
    const streams = Array.from({ length: 8 }, (_, stream) =>
      g.add(3, () => sent.push({ stream, at: clock.now() - ORIGIN })),
    );
    clock.run();
    await Promise.all(streams.map((s) => s.done));
    // Added at 0: slots 0, 1, 2, 3, 0, 1, 2, 3 (the least used first), 5 ms apart.
    const firstOf = (stream: number): number | undefined => sent.find((p) => p.stream === stream)?.at;
    assert.deepEqual(
      Array.from({ length: 8 }, (_, stream) => firstOf(stream)),
      [0, 5, 10, 15, 0, 5, 10, 15],
    );
    for (let stream = 0; stream < 8; stream++) {
      assert.deepEqual(
        sent.filter((p) => p.stream === stream).map((p) => p.at - (firstOf(stream) ?? 0)),
        [0, 20, 40],
      );
    }
    // 4 slots × 3 ticks: 12 wakes of 2 packets each, not 3 wakes of 8.
    assert.equal(clock.wakes.length, 12);
  });

  it('a send that throws ends only its own stream', async () => {
    const clock = testClock();
    const g = grid(clock);
    let healthy = 0;
    const broken = g.add(10, (index) => {
      if (index === 2) throw new Error('socket closed');
    });
    const fine = g.add(10, () => healthy++);
    clock.run();
    await Promise.all([broken.done, fine.done]);
    assert.equal(healthy, 10);
  });
});

function grid(clock: GridClock): TickGrid {
  return new TickGrid(clock, { earlyMs: 2 });
}
