import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { broadcastMessages, fanOutDone } from '../helpers/broadcasts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** 150 GSM-7 characters: one part alone, two once the footer is appended. */
const TEXT_150 = 'Concours CKOI: gagnez vos billets! '.repeat(5).slice(0, 150);

/**
 * CASL footer (issue #15 item 2): the account's sender identification and the ARRET/STOP line are
 * appended to a commercial broadcast's SMS in each text's language, counted in the parts the start
 * review shows, and sent as counted.
 */
describe('CASL footer on commercial broadcasts', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ holdOutbound: true });
    const db = server.platform.store.db;
    const fr = await makeContact(db, server.account.id, { number: '15145550401', language: 'fr' });
    const en = await makeContact(db, server.account.id, { number: '15145550402', language: 'en' });
    await makeGroup(db, server.account.id, 'Auditeurs', [fr, en]);
  });
  after(() => server.close());

  const post = async (extra: Record<string, string> = {}): Promise<string> => {
    const added = await server.call('post_broadcast', {
      name: 'Concours',
      from_groups: 'Auditeurs',
      fr_message: TEXT_150,
      en_message: 'Win tickets!',
      ...extra,
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    return String(added.body.broadcast.id);
  };

  it('without the footer the review counts the text alone', async () => {
    const review = await server.platform.ctx.broadcasts.review(server.account.id, await post());
    assert.deepEqual([review.fr.partsEach, review.en.partsEach, review.partsTotal], [1, 1, 2]);
  });

  it('with the footer on: counted before the start, and sent as counted in each language', async () => {
    const footer = await server.platform.ctx.caslFooter.change(server.account.id, {
      on: true,
      fr: 'CKOI 96,9, Montréal',
      en: 'CKOI 96.9, Montreal',
    });
    assert.equal(footer.on, true);
    const id = await post();
    const review = await server.platform.ctx.broadcasts.review(server.account.id, id);
    assert.deepEqual([review.fr.partsEach, review.en.partsEach, review.partsTotal], [2, 1, 3]);
    assert.equal(review.fr.encoding, 'GSM-7');

    assert.deepEqual((await server.call('start_broadcast', { broadcast: id })).body, { status: true });
    await fanOutDone(server.platform.store.db, Number(id));
    const messages = await broadcastMessages(server.platform.store.db, Number(id));
    const byNumber = new Map(messages.map((m) => [m.to_number, m]));
    assert.equal(
      byNumber.get('15145550401')?.body,
      `${TEXT_150}\nCKOI 96,9, Montréal\nARRET pour vous désabonner`,
    );
    assert.equal(byNumber.get('15145550401')?.part_count, 2);
    assert.equal(byNumber.get('15145550402')?.body, 'Win tickets!\nCKOI 96.9, Montreal\nSTOP to unsubscribe');
    assert.equal(byNumber.get('15145550402')?.part_count, 1);
  });

  it('test_broadcast sends the text with the footer, as the broadcast will', async () => {
    const id = await post();
    const tested = await server.call('test_broadcast', { broadcast: id, contact: '15145550402' });
    assert.deepEqual(tested.body, { status: true });
    const test = await server.platform.store.db
      .selectFrom('messages')
      .select(['body', 'broadcast_id'])
      .where('to_number', '=', '15145550402')
      .where('broadcast_id', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(test.body, 'Win tickets!\nCKOI 96.9, Montreal\nSTOP to unsubscribe');
  });

  it('a broadcast posted with commercial=0 gets no footer; another value is refused', async () => {
    const id = await post({ commercial: '0' });
    const review = await server.platform.ctx.broadcasts.review(server.account.id, id);
    assert.deepEqual([review.fr.partsEach, review.en.partsEach], [1, 1]);
    // Modified back to commercial: the footer counts again.
    assert.equal((await server.call('post_broadcast', { broadcast: id, commercial: '1' })).status, 200);
    const again = await server.platform.ctx.broadcasts.review(server.account.id, id);
    assert.deepEqual([again.fr.partsEach, again.en.partsEach], [2, 1]);
    const refused = await server.call('post_broadcast', { broadcast: id, commercial: 'yes' });
    assert.deepEqual(
      [refused.status, refused.body],
      [400, { status: false, error: 'commercial must be 0 or 1' }],
    );
  });
});
