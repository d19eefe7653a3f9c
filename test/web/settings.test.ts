import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import {
  browserSkip,
  createUser,
  launchBrowser,
  signedInContext,
  type TestUser,
} from '../helpers/browser.js';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/server.js';

/** A POST of a page's form as the browser would send it, with this context's cookies. */
async function postForm(
  server: TestServer,
  context: BrowserContext,
  path: string,
  fields: Record<string, string>,
): Promise<Response> {
  const cookies = await context.cookies(server.url);
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
      origin: server.url,
    },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** The CSRF token of a signed-in page (every form carries it). */
async function csrfOf(context: BrowserContext, path: string): Promise<string> {
  const page = await context.newPage();
  await page.goto(path);
  const token = await page.locator('input[name=_csrf]').first().inputValue();
  await page.close();
  return token;
}

describe('web: account settings and sender numbers (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestUser;
  let adminContext: BrowserContext;
  let other: TestAccount;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    admin = await createUser(server, { role: 'admin', language: 'fr', name: 'Martine Gagnon' });
    adminContext = await signedInContext(browser, server, admin);
    other = await server.createAccount({ name: 'Autre radio', senders: ['15145550199'] });
  });
  after(async () => {
    await adminContext?.close();
    await browser?.close();
    await server?.close();
  });

  test('the account name, default language and country are saved and kept', async () => {
    const page = await adminContext.newPage();
    await page.goto('/settings');
    await page.getByRole('heading', { name: 'Paramètres', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('Pays par défaut').inputValue(), 'CA');
    await page.getByLabel('Nom du compte').fill('  CKOI   98,5 ');
    await page.getByLabel('Langue par défaut des contacts').selectOption('en');
    await page.getByLabel('Pays par défaut').selectOption('FR');
    await page.getByRole('button', { name: 'Enregistrer les paramètres du compte' }).click();
    await page.waitForURL('**/settings?notice=saved');
    assert.equal(await page.getByRole('status').innerText(), 'Modifications enregistrées.');

    await page.reload();
    assert.equal(await page.getByLabel('Nom du compte').inputValue(), 'CKOI 98,5');
    assert.equal(await page.getByLabel('Langue par défaut des contacts').inputValue(), 'en');
    assert.equal(await page.getByLabel('Pays par défaut').inputValue(), 'FR');
    const account = await server.platform.ctx.accounts.findAccount(server.account.id);
    assert.deepEqual(account && [account.name, account.defaultLanguage, account.defaultCountry], [
      'CKOI 98,5',
      'en',
      'FR',
    ]);
    // A contact created through the API without a language now gets English.
    const created = await server.call('post_contact', { number: '+15145550123' });
    assert.equal(created.status, 200);
    assert.equal(created.body.contact[0].language, 'en');

    // An empty name is refused with its message, the typed values kept, nothing changed.
    await page.getByLabel('Nom du compte').fill('   ');
    await page.getByLabel('Pays par défaut').selectOption('BE');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/settings') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Enregistrer les paramètres du compte' }).click(),
    ]);
    assert.equal(response.status(), 400);
    assert.equal(await page.getByRole('alert').innerText(), 'Le nom du compte est obligatoire.');
    assert.equal(await page.getByLabel('Pays par défaut').inputValue(), 'BE');
    assert.equal((await server.platform.ctx.accounts.findAccount(server.account.id))?.name, 'CKOI 98,5');

    // Back to Canada for the sender numbers below.
    await page.getByLabel('Nom du compte').fill('CKOI 98,5');
    await page.getByLabel('Pays par défaut').selectOption('CA');
    await page.getByRole('button', { name: 'Enregistrer les paramètres du compte' }).click();
    await page.waitForURL('**/settings?notice=saved');
    await page.close();
  });

  test('a sender number is added in the account’s country; a bad one and another account’s are refused', async () => {
    const page = await adminContext.newPage();
    await page.goto('/settings');
    await page.getByLabel('Nouveau numéro d’expéditeur').fill('(514) 954-0002');
    await page.getByRole('button', { name: 'Ajouter le numéro' }).click();
    await page.waitForURL('**/settings?notice=senderAdded');
    const rows = page.locator('section[aria-labelledby=senders-heading] tbody th');
    assert.deepEqual(await rows.allInnerTexts(), ['15149541234 Par défaut', '15149540002']);

    for (const [typed, message] of [
      ['514 95', 'Numéro de téléphone invalide.'],
      ['514-555-0199', 'Ce numéro est déjà un numéro d’expéditeur d’un autre compte.'],
      ['+1 514 954 0002', 'Ce numéro fait déjà partie de vos numéros d’expéditeur.'],
    ] as const) {
      await page.getByLabel('Nouveau numéro d’expéditeur').fill(typed);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/settings/senders')),
        page.getByRole('button', { name: 'Ajouter le numéro' }).click(),
      ]);
      assert.equal(response.status(), 400, typed);
      assert.equal(await page.getByRole('alert').innerText(), message);
      assert.equal(await page.getByLabel('Nouveau numéro d’expéditeur').inputValue(), typed);
    }
    assert.deepEqual(await server.platform.ctx.accounts.listSenders(server.account.id), [
      '15149541234',
      '15149540002',
    ]);
    assert.deepEqual(await server.platform.ctx.accounts.listSenders(other.id), ['15145550199']);

    // The new number sends through the API.
    const sent = await server.call('send', { to: '15145550124', message: 'Bonjour', from: '15149540002' });
    assert.equal(sent.status, 200);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Retirer le numéro 15149540002' }).click();
    await page.waitForURL('**/settings?notice=senderRemoved');
    assert.deepEqual(await rows.allInnerTexts(), ['15149541234 Par défaut']);
    await page.close();
  });

  test('another account’s number or user id answers 404 and changes nothing', async () => {
    const token = await csrfOf(adminContext, '/settings');
    const removeOther = await postForm(server, adminContext, '/settings/senders/remove', {
      _csrf: token,
      number: '15145550199',
    });
    assert.equal(removeOther.status, 404);
    assert.match(await removeOther.text(), /Cette page n’existe pas/);
    assert.deepEqual(await server.platform.ctx.accounts.listSenders(other.id), ['15145550199']);

    const stranger = await createUser(server, { accountId: other.id, role: 'admin', name: 'Autre admin' });
    const pending = await server.platform.ctx.users.invite(other.id, { email: 'pending@example.com' });
    const snapshot = async () =>
      (await server.platform.ctx.users.listUsers(other.id)).map((u) => [u.email, u.role, u.hasPassword]);
    const before = await snapshot();
    assert.ok(before.some(([email]) => email === stranger.email));
    for (const [path, fields] of [
      [`/settings/users/${stranger.id}/role`, { role: 'member' }],
      [`/settings/users/${stranger.id}/remove`, {}],
      [`/settings/users/${pending.user.id}/invite`, {}],
      ['/settings/users/99999999/remove', {}],
      ['/settings/users/abc/role', { role: 'admin' }],
    ] as const) {
      const response = await postForm(server, adminContext, path, { _csrf: token, ...fields });
      assert.equal(response.status, 404, path);
      assert.match(await response.text(), /Cette page n’existe pas/);
    }
    assert.deepEqual(await snapshot(), before);
    // The pending person's link still works: no new invitation was issued for them.
    assert.ok(await server.platform.ctx.users.inspectToken(pending.token));
  });

  test('a member cannot open the settings (403) nor post to them', async () => {
    const member = await createUser(server, { role: 'member', language: 'fr' });
    const context = await signedInContext(browser, server, member);
    const page = await context.newPage();
    for (const path of ['/settings', '/settings/users']) {
      const response = await page.goto(path);
      assert.equal(response?.status(), 403, path);
      assert.match(await page.locator('main').innerText(), /Vous n’avez pas accès à cette page/);
    }
    assert.equal(await page.getByRole('link', { name: 'Paramètres' }).count(), 0, 'no settings link');
    const token = await csrfOf(context, '/profile');
    const response = await postForm(server, context, '/settings', {
      _csrf: token,
      name: 'Piraté',
      defaultLanguage: 'fr',
      defaultCountry: 'CA',
    });
    assert.equal(response.status, 403);
    assert.equal((await server.platform.ctx.accounts.findAccount(server.account.id))?.name, 'CKOI 98,5');
    await context.close();
  });

  test('a POST without the CSRF token is refused (403) and changes nothing', async () => {
    for (const [path, fields] of [
      ['/settings', { name: 'Sans jeton', defaultLanguage: 'fr', defaultCountry: 'CA' }],
      ['/settings/senders', { number: '5149540003' }],
      ['/settings/users/invite', { email: 'csrf@example.com', role: 'admin', language: 'fr' }],
      ['/profile', { name: 'Sans jeton', language: 'en', timeZone: 'UTC' }],
    ] as const) {
      const response = await postForm(server, adminContext, path, fields);
      assert.equal(response.status, 403, path);
      assert.match(await response.text(), /Le formulaire a expiré/);
    }
    assert.equal((await server.platform.ctx.accounts.findAccount(server.account.id))?.name, 'CKOI 98,5');
    assert.deepEqual(await server.platform.ctx.accounts.listSenders(server.account.id), ['15149541234']);
    const users = await server.platform.ctx.users.listUsers(server.account.id);
    assert.equal(
      users.find((u) => u.email === 'csrf@example.com'),
      undefined,
    );
    assert.equal(users.find((u) => u.id === admin.id)?.name, 'Martine Gagnon');
  });
});
