import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  browserSkip,
  createUser,
  launchBrowser,
  signedInContext,
  signIn,
  type TestUser,
} from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The row of the users table that shows this email. */
const rowOf = (page: Page, email: string) => page.locator('tbody tr').filter({ hasText: email });

describe('web: the users of an account (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestUser;
  let adminContext: BrowserContext;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    admin = await createUser(server, { role: 'admin', language: 'fr', name: 'Martine Gagnon' });
    // The test server's own user of the account goes: Martine is then its only admin.
    const users = server.platform.ctx.users;
    for (const user of await users.listUsers(server.account.id))
      if (user.id !== admin.id) await users.removeUser(server.account.id, user.id);
    adminContext = await signedInContext(browser, server, admin);
  });
  after(async () => {
    await adminContext?.close();
    await browser?.close();
    await server?.close();
  });

  test('an invitation made in the page: link shown once, emailed in the person’s language, then used', async () => {
    const page = await adminContext.newPage();
    await page.goto('/settings/users');
    await page.getByRole('heading', { name: 'Utilisateurs du compte' }).waitFor();
    assert.match(await rowOf(page, admin.email).innerText(), /Martine Gagnon\s+\(vous\)/);

    await page.getByLabel('Courriel', { exact: true }).fill('Jean.Tremblay@Example.com');
    await page.getByLabel('Nom', { exact: true }).fill('Jean Tremblay');
    await page.getByLabel('Rôle', { exact: true }).selectOption('member');
    await page.getByLabel('Langue', { exact: true }).selectOption('en');
    await page.getByRole('button', { name: 'Envoyer l’invitation', exact: true }).click();
    await page.getByRole('heading', { name: 'Lien d’invitation' }).waitFor();
    assert.equal(
      await page.getByRole('status').innerText(),
      'Invitation envoyée par courriel à jean.tremblay@example.com.',
    );
    const link = await page.locator('#invitation-link').inputValue();
    assert.match(link, /^http:\/\/127\.0\.0\.1:8080\/invitation\/[A-Za-z0-9_-]{43}$/);
    assert.equal(await page.getByRole('button', { name: 'Copier le lien' }).count(), 1);
    const row = await rowOf(page, 'jean.tremblay@example.com').innerText();
    assert.match(row, /Jean Tremblay/);
    assert.match(row, /English/);
    assert.match(row, /Invitation en attente/);

    // The link is shown this once: the page reloaded shows no link.
    await page.goto('/settings/users');
    assert.equal(await page.locator('#invitation-link').count(), 0);

    // The same link went out by email, in English (the invited person's language).
    const emails = await server.platform.store.db
      .selectFrom('emails')
      .select(['kind', 'subject', 'body', 'account_id'])
      .where('to_address', '=', 'jean.tremblay@example.com')
      .execute();
    assert.equal(emails.length, 1);
    assert.equal(emails[0]?.kind, 'invitation');
    assert.equal(emails[0]?.account_id, server.account.id);
    assert.match(emails[0]?.subject ?? '', /^Invitation to the VuduMobile account/);
    assert.ok(emails[0]?.body.includes(`\n${link}\n`), 'the link on a line of its own');
    assert.match(emails[0]?.body ?? '', /Martine Gagnon invites you/);

    // The invited person opens the link in their own browser, sets a password and signs in.
    const theirs = await browser.newContext({ baseURL: server.url, locale: 'fr-CA' });
    const theirPage = await theirs.newPage();
    await theirPage.goto(new URL(link).pathname);
    await theirPage.getByLabel('Nouveau mot de passe').fill('un mot de passe solide');
    await theirPage.getByLabel('Confirmez le mot de passe').fill('un mot de passe solide');
    await theirPage.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await theirPage.waitForURL('**/sign-in?notice=passwordSet');
    await signIn(theirPage, {
      id: 0,
      accountId: server.account.id,
      email: 'jean.tremblay@example.com',
      password: 'un mot de passe solide',
    });
    // Their own language: English.
    assert.match(await theirPage.locator('header').innerText(), /Jean Tremblay/);
    assert.match(await theirPage.locator('header').innerText(), /Sign out/);
    // A member: no settings.
    assert.equal((await theirPage.goto('/settings/users'))?.status(), 403);
    await theirs.close();

    await page.reload();
    assert.match(await rowOf(page, 'jean.tremblay@example.com').innerText(), /Actif depuis le/);
    await page.close();
  });

  test('a bad invitation is refused with its message and the typed values kept', async () => {
    const page = await adminContext.newPage();
    await page.goto('/settings/users');
    await page.getByLabel('Courriel', { exact: true }).fill('pas-un-courriel@');
    await page.getByLabel('Nom', { exact: true }).fill('Quelqu’un');
    // The browser's own check would stop an invalid email; the server must refuse it too.
    await page
      .locator('form[action="/settings/users/invite"]')
      .evaluate((form) => form.setAttribute('novalidate', ''));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/settings/users/invite')),
      page.getByRole('button', { name: 'Envoyer l’invitation', exact: true }).click(),
    ]);
    assert.equal(response.status(), 400);
    assert.equal(await page.getByRole('alert').innerText(), 'Adresse courriel invalide.');
    assert.equal(await page.getByLabel('Nom', { exact: true }).inputValue(), 'Quelqu’un');

    // Someone who already has a password cannot be invited again.
    await page.getByLabel('Courriel', { exact: true }).fill(admin.email);
    await page.getByRole('button', { name: 'Envoyer l’invitation', exact: true }).click();
    assert.equal(
      await page.getByRole('alert').innerText(),
      'Un utilisateur de ce compte a déjà ce courriel.',
    );
    await page.close();
  });

  test('a role is changed; the last admin cannot be demoted nor removed', async () => {
    const colleague = await createUser(server, { role: 'member', name: 'Luc Bouchard' });
    const page = await adminContext.newPage();
    await page.goto('/settings/users');
    await page.getByLabel('Rôle de Luc Bouchard', { exact: true }).selectOption('admin');
    await page.getByRole('button', { name: 'Changer le rôle de Luc Bouchard' }).click();
    await page.waitForURL('**/settings/users?notice=roleChanged');
    assert.equal((await server.platform.ctx.users.findUser(server.account.id, colleague.id))?.role, 'admin');
    assert.equal(await page.getByLabel('Rôle de Luc Bouchard', { exact: true }).inputValue(), 'admin');

    await page.getByLabel('Rôle de Luc Bouchard', { exact: true }).selectOption('member');
    await page.getByRole('button', { name: 'Changer le rôle de Luc Bouchard' }).click();
    await page.waitForURL('**/settings/users?notice=roleChanged');

    // Martine is now the only admin: her own demotion is refused with the domain's message.
    await page.getByLabel('Rôle de Martine Gagnon', { exact: true }).selectOption('member');
    const [demote] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/settings/users/${admin.id}/role`)),
      page.getByRole('button', { name: 'Changer le rôle de Martine Gagnon' }).click(),
    ]);
    assert.equal(demote.status(), 400);
    assert.equal(
      await page.getByRole('alert').innerText(),
      'Le compte doit garder au moins un administrateur.',
    );
    assert.equal((await server.platform.ctx.users.findUser(server.account.id, admin.id))?.role, 'admin');

    page.once('dialog', (dialog) => void dialog.accept());
    const [remove] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/settings/users/${admin.id}/remove`)),
      page.getByRole('button', { name: 'Retirer Martine Gagnon du compte' }).click(),
    ]);
    assert.equal(remove.status(), 400);
    assert.equal(
      await page.getByRole('alert').innerText(),
      'Le compte doit garder au moins un administrateur.',
    );
    assert.ok(await server.platform.ctx.users.findUser(server.account.id, admin.id));
    await page.close();
  });

  test('a removed user’s open session is gone', async () => {
    const leaving = await createUser(server, { role: 'member', name: 'Sophie Roy' });
    const theirs = await signedInContext(browser, server, leaving);
    const theirPage = await theirs.newPage();
    assert.equal((await theirPage.goto('/profile'))?.status(), 200);

    const page = await adminContext.newPage();
    await page.goto('/settings/users');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Retirer Sophie Roy du compte' }).click();
    await page.waitForURL('**/settings/users?notice=removed');
    assert.equal(asked, 'Retirer Sophie Roy du compte? Cette personne ne pourra plus se connecter.');
    assert.equal(await rowOf(page, leaving.email).count(), 0);
    assert.equal(await server.platform.ctx.users.findUser(server.account.id, leaving.id), undefined);

    await theirPage.goto('/profile');
    assert.equal(new URL(theirPage.url()).pathname, '/sign-in');
    await theirs.close();
    await page.close();
  });

  test('a pending invitation is sent again: a new link, the old one no longer works', async () => {
    const { token } = await server.platform.ctx.users.invite(server.account.id, {
      email: 'attente@example.com',
      name: 'Pierre Attente',
    });
    const page = await adminContext.newPage();
    await page.goto('/settings/users');
    await page.getByRole('button', { name: 'Renvoyer l’invitation à Pierre Attente' }).click();
    await page.getByRole('heading', { name: 'Lien d’invitation' }).waitFor();
    const link = await page.locator('#invitation-link').inputValue();
    assert.ok(!link.endsWith(token));
    assert.equal(await server.platform.ctx.users.inspectToken(token), undefined);
    assert.ok(await server.platform.ctx.users.inspectToken(link.slice(link.lastIndexOf('/') + 1)));
    await page.close();
  });
});
