import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkAccountSettings, parseCountry } from '../../../src/domain/accounts/account-settings.js';
import { AccountsService } from '../../../src/domain/accounts/accounts-service.js';
import { DomainError, type ErrorId } from '../../../src/domain/errors.js';
import { createAccount } from '../../../src/store/accounts/accounts-repo.js';
import { KyselyAccountsStore } from '../../../src/store/accounts/kysely-accounts-store.js';
import type { Store } from '../../../src/store/database.js';
import { tempStore } from '../../helpers/store.js';

function refusedWith(id: ErrorId): (error: unknown) => boolean {
  return (error) => error instanceof DomainError && error.id === id;
}

describe('account settings: validation', () => {
  it('trims the name, collapses its spaces and upper-cases the country', () => {
    assert.deepEqual(
      checkAccountSettings({ name: '  CKOI   98,5 ', defaultLanguage: 'en', defaultCountry: 'fr' }),
      { name: 'CKOI 98,5', defaultLanguage: 'en', defaultCountry: 'FR' },
    );
  });

  it('refuses an empty or too long name, a language other than fr/en, an unknown country', () => {
    const base = { name: 'CKOI', defaultLanguage: 'fr', defaultCountry: 'CA' };
    assert.throws(() => checkAccountSettings({ ...base, name: '   ' }), refusedWith('account_name_required'));
    assert.throws(
      () => checkAccountSettings({ ...base, name: 'x'.repeat(101) }),
      refusedWith('account_name_too_long'),
    );
    assert.equal(checkAccountSettings({ ...base, name: 'é'.repeat(100) }).name.length, 100);
    assert.throws(
      () => checkAccountSettings({ ...base, defaultLanguage: 'es' }),
      refusedWith('invalid_language'),
    );
    for (const country of ['', 'XX', 'CAN', 'C1', '<b>'])
      assert.throws(
        () => checkAccountSettings({ ...base, defaultCountry: country }),
        refusedWith('invalid_country'),
      );
  });

  it('knows the countries phone numbers are read in', () => {
    assert.equal(parseCountry(' ca '), 'CA');
    assert.equal(parseCountry('BE'), 'BE');
    assert.equal(parseCountry('ZZ'), undefined);
  });
});

describe('AccountsService: account settings and sender numbers in the database', () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let accountId: number;
  let other: number;
  let accounts: AccountsService;
  before(async () => {
    temp = await tempStore();
    ({ store, accountId } = temp);
    other = await createAccount(
      store.db,
      {
        name: 'Other',
        defaultLanguage: 'fr',
        defaultCountry: 'CA',
        mailFrom: null,
        senders: ['15145550199'],
      },
      Date.now(),
    );
    accounts = new AccountsService(new KyselyAccountsStore(store.db), Date.now);
  });
  after(() => temp.close());

  it('updates the name, language and country of one account only', async () => {
    const updated = await accounts.updateAccount(accountId, {
      name: ' Radio  Boréale ',
      defaultLanguage: 'en',
      defaultCountry: 'fr',
    });
    assert.deepEqual(
      updated && { name: updated.name, lang: updated.defaultLanguage, country: updated.defaultCountry },
      { name: 'Radio Boréale', lang: 'en', country: 'FR' },
    );
    const untouched = await accounts.findAccount(other);
    assert.deepEqual(untouched && [untouched.name, untouched.defaultLanguage, untouched.defaultCountry], [
      'Other',
      'fr',
      'CA',
    ]);
    assert.equal(
      await accounts.updateAccount(999_999, { name: 'x', defaultLanguage: 'fr', defaultCountry: 'CA' }),
      undefined,
    );
    await assert.rejects(
      accounts.updateAccount(accountId, { name: 'x', defaultLanguage: 'fr', defaultCountry: 'QQ' }),
      refusedWith('invalid_country'),
    );
    const kept = await accounts.findAccount(accountId);
    assert.equal(kept?.defaultCountry, 'FR', 'a refused change changes nothing');
    await accounts.updateAccount(accountId, {
      name: 'Store test',
      defaultLanguage: 'fr',
      defaultCountry: 'CA',
    });
  });

  it('adds a sender read in the account’s country, a short code as written, and refuses the rest', async () => {
    const account = await accounts.findAccount(accountId);
    assert.ok(account);
    assert.equal(await accounts.addSenderNumber(account, '(514) 954-0001'), '15149540001');
    assert.equal(await accounts.addSenderNumber(account, ' 55555 '), '55555');
    assert.deepEqual(await accounts.listSenders(accountId), ['15149541234', '15149540001', '55555']);
    await assert.rejects(accounts.addSenderNumber(account, '514 954'), refusedWith('invalid_phone_number'));
    await assert.rejects(accounts.addSenderNumber(account, 'abc'), refusedWith('invalid_phone_number'));
    await assert.rejects(accounts.addSenderNumber(account, '+1 514 954 0001'), refusedWith('sender_exists'));
    await assert.rejects(accounts.addSenderNumber(account, '514-555-0199'), refusedWith('sender_taken'));
    assert.deepEqual(await accounts.listSenders(other), ['15145550199']);
    assert.equal(await accounts.removeSender(accountId, '15145550199'), false, 'not this account’s');
    assert.equal(await accounts.removeSender(accountId, '55555'), true);
  });

  it('the store refuses a number already taken instead of failing (two adds at once)', async () => {
    const repo = new KyselyAccountsStore(store.db);
    const results = await Promise.all([
      repo.addSender(accountId, '15149540777', Date.now()),
      repo.addSender(other, '15149540777', Date.now()),
    ]);
    assert.deepEqual([...results].sort(), [false, true]);
    assert.equal(await repo.addSender(accountId, '15149540777', Date.now()), false);
  });
});
