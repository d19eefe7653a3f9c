import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount } from '../../src/store/accounts/accounts-repo.js';
import { BroadcastsRepo } from '../../src/store/broadcasts/broadcasts-repo.js';
import type { Store } from '../../src/store/database.js';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { makeTexts } from '../helpers/broadcasts.js';
import { tempStore } from '../helpers/store.js';

/** A start with SMS to send and no sender number: refused (API) or recorded failed (scheduler). */
describe('starting a broadcast of an account without a sender number', () => {
  let store: Store;
  let close: () => Promise<void>;
  let accountId: number;
  let repo: BroadcastsRepo;
  let groupIds: number[];
  const now = Date.parse('2026-12-03T15:00:00Z');

  before(async () => {
    ({ store, close } = await tempStore());
    const account = {
      name: 'Bare',
      defaultLanguage: 'fr' as const,
      defaultCountry: 'CA',
      mailFrom: null,
      senders: [],
    };
    accountId = await createAccount(store.db, account, now);
    const ann = await makeContact(store.db, accountId, { number: '15145550601', email: 'ann@example.com' });
    groupIds = [await makeGroup(store.db, accountId, 'Fans', [ann])];
    repo = new BroadcastsRepo(store.db);
  });
  after(() => close());

  const draft = (texts = makeTexts({ frMessage: 'Salut' })) => ({
    name: 'B',
    groupIds,
    texts,
    launchDate: now,
    launchTimeZone: null,
    fromNumber: null,
  });

  it('start_broadcast: no_sender, and the broadcast stays pending', async () => {
    const id = await repo.insert(accountId, draft(), now);
    const outcome = await repo.start(accountId, id, {
      now,
      defaultMailFrom: 'x@example.com',
      scheduled: false,
    });
    assert.deepEqual(outcome, { kind: 'no_sender' });
    assert.equal((await repo.find(accountId, id))?.status, 'pending');
  });

  it('the scheduler: no_sender, and the broadcast is failed with the error', async () => {
    const id = await repo.insert(accountId, draft(), now);
    const outcome = await repo.start(accountId, id, {
      now,
      defaultMailFrom: 'x@example.com',
      scheduled: true,
    });
    assert.deepEqual(outcome, { kind: 'no_sender' });
    const row = await store.db
      .selectFrom('broadcasts')
      .select(['status', 'error'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, {
      status: 'failed',
      error: 'This account has no sender number: the operator adds one with vudumobile account sender add',
    });
  });

  it('an email-only broadcast starts', async () => {
    const id = await repo.insert(accountId, draft(makeTexts({ frSubject: 'S', frEmail: 'E' })), now);
    const outcome = await repo.start(accountId, id, {
      now,
      defaultMailFrom: 'x@example.com',
      scheduled: true,
    });
    assert.deepEqual(outcome, { kind: 'started', smsTotal: 0, emailTotal: 1 });
  });
});
