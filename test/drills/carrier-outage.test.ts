import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runOutageDrill } from '../helpers/outage-drill.js';

/**
 * Issue #16, item 3, shortened (the 10-minute, 100,000-message run is `npm run drill:outage`): the
 * SMSC refuses binds while 1,000 sends and a 2,000-contact broadcast are queued through the API
 * (sends are what costs time on a loaded machine: a few hundred a second through tsx on PostgreSQL).
 */
describe('carrier outage drill', () => {
  let dir: string;
  let database: TestDatabase;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outage-test-'));
    database = await createTestDatabase(dir, 'outage');
  });
  after(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the connector down, keeps accepting, does not spin, loses nothing and drains once the SMSC is back', async () => {
    const result = await runOutageDrill({
      databaseUrl: database.url,
      sends: 1_000,
      broadcastContacts: 2_000,
      downMs: 10_000,
      quietMs: 5_000,
      tps: 1_000,
      drainTimeoutMs: 60_000,
    });
    // Kept in the test output: the figures of this run.
    console.log(JSON.stringify(result));
    assert.equal(result.refusedSends, 0, `sends refused while down: ${result.refusedSamples.join(' | ')}`);
    assert.equal(result.queued, 3_000);
    assert.match(result.healthWhileDown.detail, /bind refused: ESME_RBINDFAIL/);
    assert.notEqual(result.healthWhileDown.state, 'bound');
    assert.equal(result.connectorUpWhileDown, '0');
    assert.equal(result.queueWaitingWhileDown, '1000');
    // A hot loop (reconnecting or claiming without pause) would use most of a core; idle is ~1 %.
    assert.ok(result.cpu.percent < 20, `server CPU while down: ${result.cpu.percent.toFixed(1)} %`);
    // The reconnect backoff (0.5 s doubling, 10 s cap) tries a handful of binds in ten seconds.
    assert.ok(result.bindAttemptsWhileDown >= 1, 'the platform kept trying to bind');
    assert.ok(result.bindAttemptsWhileDown <= 20, `binds tried while down: ${result.bindAttemptsWhileDown}`);
    assert.deepEqual(result.notDelivered, {});
    assert.equal(result.lost, 0);
    assert.equal(result.delivered, 3_000);
    assert.equal(result.duplicates, 0);
  });
});
