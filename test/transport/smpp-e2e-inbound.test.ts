/**
 * End to end through the platform: MO messages injected by the SMSC simulator over TCP reach get_feed
 * (over HTTP) as `mo` for the account whose sender number is their destination; one for no known
 * number is kept as unrouted and logged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MoMessage } from '../../src/transport/smsc-sim/sim-messages.js';
import type { TestAccount } from '../helpers/server.js';
import { feedById, startSmppPlatform, type FeedEntry, type SmppPlatform } from '../helpers/smpp-platform.js';

const FIRST_SENDER = '15149541234'; // startTestServer's first account
const SECOND_SENDER = '15817770000';
const LONG_GSM = 'Bonjour! Le prix est 5€ [promo] '.repeat(12); // 396 septets: 3 parts
const LONG_UCS2 = 'Ça coûte 5 € 😀 — merci! '.repeat(8); // surrogate pairs across part boundaries
const LONG_LATIN1 = 'Ça coûte 5 ¤ - non: « ç » '.repeat(8); // 208 octets: 2 parts

describe('MO messages through the platform', () => {
  let platform: SmppPlatform;
  let second: TestAccount;
  before(async () => {
    platform = await startSmppPlatform([{}]);
    second = await platform.server.createAccount({ name: 'Second', senders: [SECOND_SENDER] });
  });
  after(() => platform.close());

  /** Injects `mo` (resolved once the platform answered every part, i.e. after its commit). */
  async function receive(mo: MoMessage, key?: string): Promise<FeedEntry> {
    const before = await feedById(platform.server, key);
    await platform.sims[0]?.injectMo(mo);
    const after = await feedById(platform.server, key);
    const added = [...after.values()].filter((entry) => !before.has(entry.msg_id));
    assert.equal(added.length, 1, 'one message in get_feed once the SMSC had its answer');
    const [entry] = added;
    assert.ok(entry);
    return entry;
  }

  it('a single GSM-7 MO reaches get_feed as mo', async () => {
    const entry = await receive({ from: '15145550200', to: FIRST_SENDER, text: 'STOP à 5€ {ok}' });
    assert.deepEqual(
      { ...entry, msg_id: 0, datetime: '' },
      {
        msg_id: 0,
        direction: 'mo',
        from: '15145550200',
        to: FIRST_SENDER,
        message: 'STOP à 5€ {ok}',
        datetime: '',
        part_count: 1,
      },
    );
  });

  for (const concat of ['udh8', 'udh16', 'sar'] as const) {
    it(`a concatenated GSM-7 MO (${concat}) is stored once, reassembled`, async () => {
      const entry = await receive({ from: '15145550201', to: FIRST_SENDER, text: LONG_GSM, concat });
      assert.deepEqual([entry.direction, entry.message, entry.part_count], ['mo', LONG_GSM, 3]);
    });
  }

  it('UCS-2 (concatenated, surrogate pairs) and Latin-1 (concatenated) MO', async () => {
    const ucs2 = await receive({ from: '15145550202', to: FIRST_SENDER, text: LONG_UCS2 });
    assert.deepEqual([ucs2.message, ucs2.part_count], [LONG_UCS2, 3]);
    const latin1 = await receive({
      from: '15145550203',
      to: FIRST_SENDER,
      text: LONG_LATIN1,
      encoding: 'latin1',
      concat: 'sar',
    });
    assert.deepEqual([latin1.message, latin1.part_count], [LONG_LATIN1, 2]);
  });

  it('goes to the account whose sender number is the destination, and only to it', async () => {
    const firstBefore = await feedById(platform.server);
    const entry = await receive({ from: '+1 514 555 0204', to: SECOND_SENDER, text: 'Oui' }, second.key);
    assert.deepEqual([entry.from, entry.to, entry.message], ['15145550204', SECOND_SENDER, 'Oui']);
    assert.equal((await feedById(platform.server)).size, firstBefore.size, 'not in the first account');
  });

  it('keeps an MO to an unknown number as unrouted and logs it, in no account’s feed', async () => {
    const feeds = async () => [
      (await feedById(platform.server)).size,
      (await feedById(platform.server, second.key)).size,
    ];
    const before = await feeds();
    await platform.sims[0]?.injectMo({ from: '15145550205', to: '18005550199', text: 'Allo?' });
    const rows = await platform.server.platform.store.db
      .selectFrom('unrouted_inbound')
      .selectAll()
      .where('to_number', '=', '18005550199')
      .execute();
    assert.deepEqual(
      rows.map((row) => [row.from_number, row.body, row.part_count]),
      [['15145550205', 'Allo?', 1]],
    );
    const logged = platform.logLines.find(
      (line) => line.to === '18005550199' && line.unroutedId === rows[0]?.id,
    );
    assert.ok(logged, 'a log line names the unrouted message');
    assert.equal(logged.level, 40, 'logged as a warning');
    assert.deepEqual(await feeds(), before);
  });
});
