import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, createUser, launchBrowser, signIn } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('web: invitation, sign-in, sign-out (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('an invitation link sets the password, then the user signs in and out', async () => {
    const { token } = await server.platform.ctx.users.invite(server.account.id, {
      email: 'lea@example.com',
      name: 'Léa Tremblay',
      role: 'member',
      language: 'fr',
    });
    const link = server.platform.ctx.users.invitationUrl(token);
    const context = await browser.newContext({ baseURL: server.url, locale: 'fr-CA' });
    const page = await context.newPage();
    await page.goto(new URL(link).pathname);
    await assert.doesNotReject(
      page.getByRole('heading', { name: 'Bienvenue! Choisissez votre mot de passe' }).waitFor(),
    );
    await page.getByLabel('Nouveau mot de passe').fill('un mot de passe solide');
    await page.getByLabel('Confirmez le mot de passe').fill('un mot de passe solide');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.waitForURL('**/sign-in?notice=passwordSet');
    assert.match(await page.locator('main').innerText(), /Votre mot de passe est enregistré/);

    // The link is single-use.
    await page.goto(new URL(link).pathname);
    assert.match(
      await page.locator('main').innerText(),
      /Ce lien n’est plus valide : il a déjà servi ou il a expiré/,
    );

    await signIn(page, {
      id: 0,
      accountId: server.account.id,
      email: 'lea@example.com',
      password: 'un mot de passe solide',
    });
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.locator('header').innerText(), /Léa Tremblay/);

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'vm_session');
    assert.ok(session, 'a session cookie is set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    assert.equal(session.secure, false, 'plain http on loopback: no Secure flag');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL('**/sign-in?notice=signedOut');
    // The old cookie no longer opens anything, even replayed by hand.
    const replay = await fetch(`${server.url}/`, {
      headers: { cookie: `vm_session=${session.value}` },
      redirect: 'manual',
    });
    assert.equal(replay.status, 303);
    assert.equal(replay.headers.get('location'), '/sign-in');
    await context.close();
  });

  test('a wrong password gives the same generic error as an unknown email', async () => {
    const user = await createUser(server, { role: 'member', language: 'en' });
    const page = await browser.newPage({
      baseURL: server.url,
      extraHTTPHeaders: { 'accept-language': 'en-CA,en' },
    });
    for (const email of [user.email, 'nobody@example.com']) {
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByRole('alert').innerText(), 'Incorrect email or password.');
      assert.equal(new URL(page.url()).pathname, '/sign-in');
    }
    await page.close();
  });
});
