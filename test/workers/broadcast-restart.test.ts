import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store/database.js';
import { bulkInsertContacts, makeContact } from '../helpers/address-book.js';
import { waitFor } from '../helpers/broadcasts.js';
import { callApi, spawnServer, type ChildServer } from '../helpers/child-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const CONTACTS = 20_000;

/** One line of SANDBOX_SMS_LOG: a part the sandbox carrier accepted. */
interface AcceptedPart {
  messageId: number;
  seq: number;
  carrierId: string;
  to: string;
}

describe('broadcast survives a kill in the middle of its fan-out', () => {
  let dir: string;
  let database: TestDatabase;
  let store: Store | undefined;
  const servers: ChildServer[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-restart-'));
    database = await createTestDatabase(dir, 'restart');
  });
  after(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await store?.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it(`ends with exactly ${CONTACTS} SMS at the carrier, one per contact, after SIGKILL`, async (t) => {
    const carrierLog = join(dir, 'sms-accepted.jsonl');
    const env = {
      DATABASE_URL: database.url,
      // The sandbox carrier writes each accepted part before the submit returns.
      SANDBOX_SMS_LOG: carrierLog,
      SANDBOX_SMS_RECEIPT_DELAY_MS: '10',
    };
    // The first life runs with sending paused (the operator's switch), so the kill provably lands
    // while the fan-out runs and before any submit. A part in flight at a kill (accepted by the
    // carrier, not yet recorded) is the one thing SMPP cannot tell us and would be resent; with no
    // submit in flight, "exactly one per contact" is what the platform guarantees, and is checked.
    const first = await spawnServer({
      dir,
      // Small batches (200 commits), so the kill lands in the middle of the fan-out.
      env: { ...env, SMS_SENDING_PAUSED: '1', BROADCAST_FANOUT_BATCH: '100' },
    });
    servers.push(first);
    const key = first.firstRunKey;
    assert.ok(key, 'the first start prints the API key');

    store = openStore(database.url);
    const db = store.db;
    const account = await db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    await bulkInsertContacts(db, account.id, CONTACTS);
    for (const number of ['15145550901', '15145550902', '15145550903'])
      await makeContact(db, account.id, { number, name: 'Blocked', isBlocked: true });

    const added = await callApi(first.url, key, 'post_broadcast', {
      name: 'Big',
      from_groups: 'Tous',
      fr_message: 'Bonjour _NAME_',
      en_message: 'Hello _NAME_',
    });
    const id = String(added.broadcast.id);
    assert.deepEqual(await callApi(first.url, key, 'start_broadcast', { broadcast: id }), { status: true });

    const queued = async (): Promise<number> => {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('broadcast_id', '=', Number(id))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    await waitFor('the fan-out to be under way', async () => (await queued()) >= 1000, 60_000);
    await first.stop('SIGKILL');
    const atKill = await queued();
    t.diagnostic(`${atKill} messages were queued when the server was killed`);
    assert.ok(atKill > 0 && atKill < CONTACTS, `killed mid-fan-out (${atKill} queued)`);
    assert.equal(existsSync(carrierLog), false, 'nothing was submitted before the kill');

    const second = await spawnServer({ dir, env });
    servers.push(second);
    await waitFor(
      'the broadcast to complete after the restart',
      async () => {
        const detail = await callApi(second.url, key, 'get_broadcast', { broadcast: id });
        return detail.broadcast.broadcast_status === 'completed';
      },
      180_000,
    );

    const accepted = (await readFile(carrierLog, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AcceptedPart);
    assert.equal(accepted.length, CONTACTS, 'exactly one part accepted per contact');
    assert.equal(new Set(accepted.map((p) => p.messageId)).size, CONTACTS, 'no message submitted twice');
    const expected = await db
      .selectFrom('contacts')
      .select('number')
      .where('account_id', '=', account.id)
      .where('is_blocked', '=', 0)
      .execute();
    assert.equal(expected.length, CONTACTS);
    assert.deepEqual(
      accepted.map((p) => p.to).sort(),
      expected.map((c) => c.number).sort(),
      'every contact got its SMS, no blocked contact did',
    );

    const detail = await callApi(second.url, key, 'get_broadcast', { broadcast: id });
    assert.equal(detail.broadcast.number_total, String(CONTACTS));
    assert.equal(detail.broadcast.number_delivered, String(CONTACTS));
    assert.equal(detail.broadcast.number_failed, '0');
    await second.stop('SIGTERM');
  });
});
