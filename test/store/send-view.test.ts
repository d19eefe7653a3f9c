import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount } from '../../src/store/accounts/accounts-repo.js';
import type { Store } from '../../src/store/database.js';
import { sendView } from '../../src/store/messages/messages-repo.js';
import { makeContact } from '../helpers/address-book.js';
import { tempStore } from '../helpers/store.js';

describe("a send batch's view of its account, in one statement", () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let accountId: number;
  let other: number;
  before(async () => {
    temp = await tempStore();
    ({ store, accountId } = temp);
    const now = Date.now();
    // tempStore's account already has 15149541234; a later sender is not the default.
    await store.db
      .insertInto('account_senders')
      .values({ account_id: accountId, number: '15149540000', created_at: now })
      .execute();
    other = await createAccount(
      store.db,
      { name: 'Other', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [] },
      now,
    );
  });
  after(() => temp.close());

  it('reads senders oldest first, contacts, blocked contacts and suppressed numbers of this account only', async () => {
    const plain = await makeContact(store.db, accountId, { number: '15145550001' });
    await makeContact(store.db, accountId, { number: '15145550002', isBlocked: true });
    const suppressedContact = await makeContact(store.db, accountId, { number: '15145550003' });
    await makeContact(store.db, other, { number: '15145550004', isBlocked: true });
    await store.db
      .insertInto('suppressions')
      .values(
        ['15145550003', '15145550005'].map((number) => ({
          account_id: accountId,
          number,
          reason: 'STOP',
          created_at: Date.now(),
        })),
      )
      .execute();
    await store.db
      .insertInto('suppressions')
      .values({ account_id: other, number: '15145550006', reason: 'STOP', created_at: Date.now() })
      .execute();

    const view = await sendView(store.db, accountId, [
      '15145550001',
      '15145550002',
      '15145550003',
      '15145550004',
      '15145550005',
      '15145550006',
      '15145550001',
      "1514' or 1=1 --",
    ]);
    assert.deepEqual(view.senders, ['15149541234', '15149540000']);
    assert.deepEqual(view.recipients.get('15145550001'), { contactId: plain, blocked: false });
    assert.equal(view.recipients.get('15145550002')?.blocked, true);
    assert.deepEqual(view.recipients.get('15145550003'), { contactId: suppressedContact, blocked: true });
    assert.deepEqual(
      view.recipients.get('15145550004'),
      { contactId: null, blocked: false },
      "another account's",
    );
    assert.deepEqual(view.recipients.get('15145550005'), { contactId: null, blocked: true });
    assert.deepEqual(
      view.recipients.get('15145550006'),
      { contactId: null, blocked: false },
      "another account's",
    );
    assert.deepEqual(view.recipients.get("1514' or 1=1 --"), { contactId: null, blocked: false });
    assert.equal(view.recipients.size, 7);
  });

  it('reads only the senders when the batch names no number', async () => {
    const view = await sendView(store.db, other, []);
    assert.deepEqual(view, { senders: [], recipients: new Map() });
  });
});
