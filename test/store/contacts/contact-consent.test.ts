import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConsentService } from '../../../src/domain/consent/consent-service.js';
import { AddressBookService } from '../../../src/domain/contacts/address-book-service.js';
import type { AccountScope } from '../../../src/domain/contacts/contacts.js';
import type { ConsentEntry } from '../../../src/domain/ports/consent-log.js';
import type { StoreTransaction } from '../../../src/domain/ports/transaction.js';
import { AddressBookRepo } from '../../../src/store/contacts/address-book-repo.js';
import { KyselyConsentLog } from '../../../src/store/consent/consent-log-repo.js';
import type { Store } from '../../../src/store/database.js';
import { tempStore } from '../../helpers/store.js';

/** The consent log a new contact is written to fails on demand, after writing its entries. */
class FailingConsentLog extends KyselyConsentLog {
  failNext = false;

  override async record(entries: readonly ConsentEntry[], tx?: StoreTransaction): Promise<void> {
    await super.record(entries, tx);
    if (this.failNext) throw new Error('the consent log is unavailable');
  }
}

/** CASL: a contact and its consent entry are one write — proof of consent is never missing. */
describe('a contact added or given a new number with its consent entry', () => {
  let store: Store;
  let close: () => Promise<void>;
  let log: FailingConsentLog;
  let book: AddressBookService;
  let scope: AccountScope;
  before(async () => {
    let accountId: number;
    ({ store, close, accountId } = await tempStore());
    scope = { id: accountId, defaultLanguage: 'fr', defaultCountry: 'CA' };
    log = new FailingConsentLog(store.db, store.dialect);
    book = new AddressBookService(
      new AddressBookRepo(store.db, store.dialect),
      Date.now,
      new ConsentService(log, Date.now),
    );
  });
  after(() => close());

  const count = async (table: 'contacts' | 'consent_log', number: string) =>
    (await store.db.selectFrom(table).select('id').where('number', '=', number).execute()).length;

  it('commits both', async () => {
    await book.saveContact(scope, { number: '514 555-0150', consent_type: 'implied' });
    assert.deepEqual(
      [await count('contacts', '15145550150'), await count('consent_log', '15145550150')],
      [1, 1],
    );
  });

  it('writes neither when the consent entry cannot be written', async () => {
    log.failNext = true;
    await assert.rejects(book.saveContact(scope, { number: '514 555-0151' }), /consent log is unavailable/);
    log.failNext = false;
    assert.deepEqual(
      [await count('contacts', '15145550151'), await count('consent_log', '15145550151')],
      [0, 0],
    );
    // Nothing half-written blocks the next try.
    await book.saveContact(scope, { number: '514 555-0151' });
    assert.equal(await count('contacts', '15145550151'), 1);
  });

  it('keeps a contact’s old number when the new number’s consent entry cannot be written', async () => {
    const contact = await book.saveContact(scope, { number: '514 555-0152' });
    log.failNext = true;
    await assert.rejects(
      book.saveContact(scope, { id: String(contact.id), number: '514 555-0153' }),
      /consent log is unavailable/,
    );
    log.failNext = false;
    assert.deepEqual(
      [await count('contacts', '15145550152'), await count('consent_log', '15145550153')],
      [1, 0],
    );
    await book.saveContact(scope, { id: String(contact.id), number: '514 555-0153' });
    assert.deepEqual(
      [await count('contacts', '15145550153'), await count('consent_log', '15145550153')],
      [1, 1],
    );
  });
});
