import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AccountScope } from '../../src/domain/contacts/contacts.js';
import { browserSkip, createUser, launchBrowser, signedInContext } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const XSS = '<img src=x onerror=alert(1)>';

describe('web: contacts and groups security (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let mine: AccountScope;
  let theirs: AccountScope;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    mine = { id: server.account.id, defaultLanguage: 'fr', defaultCountry: 'CA' };
    theirs = {
      id: (await server.createAccount({ name: 'Autre radio' })).id,
      defaultLanguage: 'fr',
      defaultCountry: 'CA',
    };
    context = await signedInContext(browser, server, await createUser(server, { role: 'admin' }));
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  /** The CSRF token of the signed-in context (any page's hidden field). */
  const csrfOf = async (page: Page) => {
    await page.goto('/contacts');
    return (await page.locator('input[name=_csrf]').first().getAttribute('value')) ?? '';
  };

  test('a contact named like markup renders as text everywhere, and no script runs', async () => {
    const book = server.platform.ctx.addressBook;
    const contact = await book.saveContact(mine, { name: XSS, number: '514 555-0301', description: XSS });
    const group = await book.saveGroup(mine.id, { group_name: `${XSS} groupe` });
    await book.addContactsToGroup(mine, group.id, [contact.id]);
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    for (const [path, shown] of [
      ['/contacts', XSS],
      [`/contacts?q=${encodeURIComponent(XSS)}`, XSS],
      [`/contacts/${contact.id}`, XSS],
      ['/groups', `${XSS} groupe`],
      [`/groups/${group.id}`, XSS],
    ] as const) {
      await page.goto(path);
      await page.getByText(shown, { exact: true }).first().waitFor();
      assert.equal(await page.locator('img[src=x]').count(), 0, `${path}: no <img> element`);
      assert.equal(await page.locator('img').count(), 0, `${path}: no image at all`);
    }
    await page.goto(`/contacts/${contact.id}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), XSS);
    assert.equal(await page.getByLabel('Nom', { exact: true }).inputValue(), XSS);
    assert.deepEqual(dialogs, [], 'no dialog opened');
    await page.close();
  });

  test("another account's contact and group ids answer 404 on every route, and nothing changes", async () => {
    const book = server.platform.ctx.addressBook;
    const theirContact = await book.saveContact(theirs, { name: 'Leur contact', number: '514 555-0401' });
    const theirGroup = await book.saveGroup(theirs.id, { group_name: 'Leur groupe' });
    await book.addContactsToGroup(theirs, theirGroup.id, [theirContact.id]);
    const myContact = await book.saveContact(mine, { name: 'Mon contact', number: '514 555-0402' });
    const myGroup = await book.saveGroup(mine.id, { group_name: 'Mon groupe' });
    await book.addContactsToGroup(mine, myGroup.id, [myContact.id]);

    const page = await context.newPage();
    const csrf = await csrfOf(page);
    const c = theirContact.id;
    const g = theirGroup.id;
    const gets = [`/contacts/${c}`, `/groups/${g}`, `/contacts?group=${g}`, `/contacts?group=${g}&q=leur`];
    for (const path of gets) {
      const response = await page.goto(path);
      assert.equal(response?.status(), 404, path);
      assert.match(await page.locator('main').innerText(), /Cette page n’existe pas/, path);
      assert.doesNotMatch(await page.content(), /Leur contact|Leur groupe/, path);
    }
    const posts: [string, Record<string, string>][] = [
      [`/contacts/${c}`, { name: 'Piraté', number: '514 555-0499' }],
      [`/contacts/${c}/block`, { blocked: '1' }],
      [`/contacts/${c}/delete`, {}],
      [`/contacts/${c}/groups/add`, { group: String(myGroup.id) }],
      [`/contacts/${c}/groups/remove`, { group: String(g) }],
      [`/contacts/${myContact.id}/groups/add`, { group: String(g) }],
      [`/contacts/${myContact.id}/groups/remove`, { group: String(g) }],
      ['/contacts/bulk', { ids: String(c), action: 'block' }],
      ['/contacts/bulk', { ids: String(c), action: 'add', target: String(myGroup.id) }],
      ['/contacts/bulk', { ids: String(myContact.id), action: 'add', target: String(g) }],
      ['/contacts/bulk', { ids: String(myContact.id), action: 'remove', target: String(g) }],
      [`/groups/${g}/rename`, { group_name: 'Piraté' }],
      [`/groups/${g}/delete`, {}],
      [`/groups/${g}/members/${c}/remove`, {}],
      [`/groups/${myGroup.id}/members/${c}/remove`, {}],
      [`/groups/${g}/members/${myContact.id}/remove`, {}],
    ];
    for (const [path, form] of posts) {
      const response = await page.request.post(path, { form: { _csrf: csrf, ...form }, maxRedirects: 0 });
      assert.equal(response.status(), 404, `POST ${path} ${JSON.stringify(form)}`);
    }
    // Two ids at once, one of them foreign: refused as a whole (repeated fields need a raw body).
    const mixed = await page.request.post('/contacts/bulk', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: `_csrf=${encodeURIComponent(csrf)}&ids=${myContact.id}&ids=${c}&action=block`,
      maxRedirects: 0,
    });
    assert.equal(mixed.status(), 404);

    const after = await book.getContact(theirs, { id: String(c) });
    assert.equal(after.contact.name, 'Leur contact');
    assert.equal(after.contact.number, '15145550401');
    assert.equal(after.contact.isBlocked, false);
    assert.deepEqual(
      after.groups.filter((x) => x.systemKind === null).map((x) => x.name),
      ['Leur groupe'],
    );
    const theirGroups = await book.listGroupSummaries(theirs.id);
    assert.deepEqual(
      theirGroups.map((x) => [x.name, x.memberCount]),
      [
        ['Tous', 1],
        ['Blocked', 0],
        ['Leur groupe', 1],
      ],
    );
    const mineNow = await book.getContact(mine, { id: String(myContact.id) });
    assert.equal(mineNow.contact.isBlocked, false, 'the mixed batch blocked none of it');
    assert.deepEqual(
      mineNow.groups.filter((x) => x.systemKind === null).map((x) => x.name),
      ['Mon groupe'],
    );
    await page.close();
  });

  test('a POST without the CSRF token is refused (403) and changes nothing', async () => {
    const book = server.platform.ctx.addressBook;
    const contact = await book.saveContact(mine, { name: 'Protégé', number: '514 555-0501' });
    const page = await context.newPage();
    await csrfOf(page);
    for (const [path, form] of [
      [`/contacts/${contact.id}/delete`, {}],
      [`/contacts/${contact.id}/block`, { blocked: '1' }],
      [`/contacts/${contact.id}`, { name: 'Modifié', number: '514 555-0501' }],
      ['/contacts/bulk', { ids: String(contact.id), action: 'block' }],
      ['/contacts/new', { name: 'Intrus', number: '514 555-0502' }],
      ['/groups', { group_name: 'Intrus' }],
    ] as const) {
      const response = await page.request.post(path, { form: { ...form, _csrf: 'wrong' }, maxRedirects: 0 });
      assert.equal(response.status(), 403, path);
      const bare = await page.request.post(path, { form, maxRedirects: 0 });
      assert.equal(bare.status(), 403, path);
      assert.match(await bare.text(), /Le formulaire a expiré/);
    }
    const after = await book.getContact(mine, { id: String(contact.id) });
    assert.equal(after.contact.name, 'Protégé');
    assert.equal(after.contact.isBlocked, false);
    await assert.rejects(book.getContact(mine, { number: '514 555-0502' }));
    assert.equal(
      (await book.listGroupSummaries(mine.id)).some((g) => g.name === 'Intrus'),
      false,
    );
    await page.close();
  });
});
