import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planPacing } from '../../../src/domain/broadcasts/broadcast-pacing.js';

describe('planPacing', () => {
  it('gives message i of a window the slot start + i/R s, and advances the next slot by the window', () => {
    const plan = planPacing(7, 20);
    assert.ok(plan);
    assert.equal(plan.durationMs, 350);
    assert.deepEqual(
      [0, 1, 2, 6].map((i) => plan.slotAt(10_000, i)),
      [10_000, 10_050, 10_100, 10_300],
    );
  });

  it('rounds the window and floors each slot at rates that do not divide a second', () => {
    const plan = planPacing(3, 3);
    assert.ok(plan);
    assert.equal(plan.durationMs, 1000);
    assert.deepEqual(
      [0, 1, 2].map((i) => plan.slotAt(0, i)),
      [0, 333, 666],
    );
  });

  it('plans nothing when unpaced or when nothing is dispatchable', () => {
    assert.equal(planPacing(10, null), null);
    assert.equal(planPacing(0, 20), null);
  });
});
