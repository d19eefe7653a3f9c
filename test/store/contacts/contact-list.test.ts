import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AddressBookService } from '../../../src/domain/contacts/address-book-service.js';
import type { AccountScope } from '../../../src/domain/contacts/contacts.js';
import { DomainError } from '../../../src/domain/errors.js';
import { createAccount } from '../../../src/store/accounts/accounts-repo.js';
import { AddressBookRepo } from '../../../src/store/contacts/address-book-repo.js';
import type { Store } from '../../../src/store/database.js';
import { tempStore } from '../../helpers/store.js';

const NAMES = [
  'Jean Tremblay',
  'Hélène Côté',
  'Marie Tremblay-Roy',
  'JEAN-PHILIPPE GAGNON',
  'Luc Roy',
  'Éric Lévesque',
  'Ève Gagné',
  'Tremblant Marc',
];

const failsWith = (id: string) => (error: unknown) => error instanceof DomainError && error.id === id;

describe('address book lists: search, filters, keyset pages, member counts (migration 009)', () => {
  let store: Store;
  let close: () => Promise<void>;
  let book: AddressBookService;
  let scope: AccountScope;
  let other: AccountScope;
  const ids: number[] = [];

  before(async () => {
    const temp = await tempStore();
    store = temp.store;
    close = temp.close;
    book = new AddressBookService(new AddressBookRepo(store.db, store.dialect), Date.now);
    scope = { id: temp.accountId, defaultLanguage: 'fr', defaultCountry: 'CA' };
    const otherId = await createAccount(
      store.db,
      { name: 'Other', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [] },
      Date.now(),
    );
    other = { id: otherId, defaultLanguage: 'fr', defaultCountry: 'CA' };
    for (const [i, name] of NAMES.entries()) {
      const contact = await book.saveContact(scope, {
        name,
        number: `514 555-01${String(i).padStart(2, '0')}`,
        email: `${(name.split(' ')[0] ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}.${i}@example.com`,
      });
      ids.push(contact.id);
    }
    // Another account's Tremblay must never appear in this account's lists.
    await book.saveContact(other, { name: 'Jean Tremblay', number: '514 555-0100' });
  });
  after(async () => close?.());

  const names = async (q: string, extra: { groupId?: number; blocked?: boolean } = {}) =>
    (await book.listContacts(scope, { q, ...extra })).contacts.map((c) => c.name);

  test('a word inside the name, any case and accents, matches; the start of a word too', async () => {
    assert.deepEqual(await names('tremblay'), ['Jean Tremblay', 'Marie Tremblay-Roy']);
    assert.deepEqual(await names('TREMBL'), ['Jean Tremblay', 'Marie Tremblay-Roy', 'Tremblant Marc']);
    assert.deepEqual(await names('helene cote'), ['Hélène Côté']);
    assert.deepEqual(await names('levesque'), ['Éric Lévesque']);
    assert.deepEqual(await names('philippe'), ['JEAN-PHILIPPE GAGNON']);
    assert.deepEqual(await names('gagne'), ['Ève Gagné']);
    assert.deepEqual(await names('roy'), ['Marie Tremblay-Roy', 'Luc Roy']);
    assert.deepEqual(await names('blay'), [], 'the middle of a word is not a match');
  });

  test('numbers by their digits, emails by their start', async () => {
    assert.deepEqual(await names('514-555-0104'), ['Luc Roy']);
    assert.deepEqual(await names('+1 (514) 555-0104'), ['Luc Roy']);
    assert.equal((await names('514 555 01')).length, NAMES.length);
    assert.deepEqual(await names('Helene.1@'), ['Hélène Côté']);
    assert.deepEqual(await names('helene.2'), []);
    assert.deepEqual(await names('luc.4'), ['Luc Roy']);
    assert.deepEqual(await names('jean'), ['Jean Tremblay', 'JEAN-PHILIPPE GAGNON']);
  });

  test('keyset pages go forward and back by id, with cursors only where a page exists', async () => {
    const first = await book.listContacts(scope, {}, 3);
    assert.deepEqual(
      first.contacts.map((c) => c.id),
      ids.slice(0, 3),
    );
    assert.equal(first.previous, undefined);
    assert.deepEqual(first.next, { after: ids[2] });
    const second = await book.listContacts(scope, { cursor: first.next }, 3);
    assert.deepEqual(
      second.contacts.map((c) => c.id),
      ids.slice(3, 6),
    );
    assert.deepEqual(second.previous, { before: ids[3] });
    const third = await book.listContacts(scope, { cursor: second.next }, 3);
    assert.deepEqual(
      third.contacts.map((c) => c.id),
      ids.slice(6),
    );
    assert.equal(third.next, undefined);
    const back = await book.listContacts(scope, { cursor: third.previous }, 3);
    assert.deepEqual(
      back.contacts.map((c) => c.id),
      ids.slice(3, 6),
    );
    const start = await book.listContacts(scope, { cursor: back.previous }, 3);
    assert.deepEqual(
      start.contacts.map((c) => c.id),
      ids.slice(0, 3),
    );
    assert.equal(start.previous, undefined, 'the first page has no previous page');
    const searched = await book.listContacts(scope, { q: 'tremb', cursor: { after: ids[0] ?? 0 } }, 1);
    assert.deepEqual(
      searched.contacts.map((c) => c.name),
      ['Marie Tremblay-Roy'],
    );
    assert.deepEqual(searched.next, { after: ids[2] });
  });

  test('member counts follow adds, removals, blocks, deletions and group deletion', async () => {
    const counts = async () =>
      Object.fromEntries(
        (await book.listGroupSummaries(scope.id)).map((g) => [g.systemKind ?? g.name, g.memberCount]),
      );
    const group = await book.saveGroup(scope.id, { group_name: 'Bénévoles' });
    const spare = await book.saveContact(scope, { name: 'Temporaire', number: '514 555-0199' });
    assert.deepEqual(await counts(), { all: NAMES.length + 1, blocked: 0, Bénévoles: 0 });

    const [a = 0, b = 0, c = 0] = ids;
    await book.addContactsToGroup(scope, group.id, [a, b, c, spare.id]);
    await book.addContactsToGroup(scope, group.id, [a]); // idempotent: no double count
    await book.setContactsBlocked(scope, [b, c], true);
    await book.setContactsBlocked(scope, [b], true); // already blocked: no change
    assert.deepEqual(await counts(), { all: NAMES.length + 1, blocked: 2, Bénévoles: 4 });

    assert.deepEqual(await names('', { groupId: group.id }), [NAMES[0], NAMES[1], NAMES[2], 'Temporaire']);
    assert.deepEqual(await names('', { groupId: group.id, blocked: true }), [NAMES[1], NAMES[2]]);
    assert.deepEqual(await names('tremblay', { groupId: group.id, blocked: false }), ['Jean Tremblay']);
    assert.deepEqual(await names('', { blocked: true }), [NAMES[1], NAMES[2]]);
    const blockedGroup = (await book.listGroupSummaries(scope.id)).find((g) => g.systemKind === 'blocked');
    assert.deepEqual(await names('', { groupId: blockedGroup?.id }), [NAMES[1], NAMES[2]]);

    await book.removeContactsFromGroup(scope, group.id, [a]);
    await book.deleteContact(scope, { id: String(spare.id) }); // its membership goes with it
    await book.saveContact(scope, { id: String(c), name: 'Marie Renommée' });
    assert.deepEqual(await names('renommee'), ['Marie Renommée']);
    assert.deepEqual(await names('tremblay'), ['Jean Tremblay'], 'the old name left the index');
    await book.setContactsBlocked(scope, [b, c], false);
    assert.deepEqual(await counts(), { all: NAMES.length, blocked: 0, Bénévoles: 2 });
    await book.deleteGroup(scope.id, String(group.id));
    assert.deepEqual(await counts(), { all: NAMES.length, blocked: 0 });
  });

  test("another account's contacts and groups are out of reach, and a refused batch changes nothing", async () => {
    const mine = await book.saveGroup(scope.id, { group_name: 'Les miens' });
    const theirs = await book.saveGroup(other.id, { group_name: 'Les leurs' });
    const [theirContact] = (await book.listContacts(other, {})).contacts;
    assert.ok(theirContact);
    await assert.rejects(book.listContacts(scope, { groupId: theirs.id }), failsWith('group_not_found'));
    await assert.rejects(
      book.addContactsToGroup(scope, mine.id, [ids[0] ?? 0, theirContact.id]),
      failsWith('contact_not_found'),
    );
    await assert.rejects(
      book.addContactsToGroup(scope, theirs.id, [ids[0] ?? 0]),
      failsWith('group_not_found'),
    );
    await assert.rejects(
      book.setContactsBlocked(scope, [theirContact.id], true),
      failsWith('contact_not_found'),
    );
    assert.deepEqual(
      await names('', { groupId: mine.id }),
      [],
      'the valid id of the batch was not added either',
    );
    const after = (await book.listContacts(other, {})).contacts[0];
    assert.equal(after?.isBlocked, false);
    assert.deepEqual(
      (await book.listContacts(other, { q: 'tremblay' })).contacts.map((c) => c.id),
      [theirContact.id],
    );
  });
});
