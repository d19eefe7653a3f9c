import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, createUser, launchBrowser, signedInContext, signIn } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** How a date of the last two minutes may be shown, to the minute, in a locale and zone. */
function recentTimes(locale: string, timeZone: string): string[] {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  return [0, 1, 2].map((minutes) => format.format(new Date(Date.now() - minutes * 60_000)));
}

describe('web: my profile and password (Chromium)', { skip: browserSkip }, () => {
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

  test('switching to English: the UI, its dates and the time zone follow after reload', async () => {
    const user = await createUser(server, { role: 'member', language: 'fr', name: 'Léa Côté' });
    const context = await signedInContext(browser, server, user);
    const page = await context.newPage();
    await page.goto('/profile');
    await page.getByRole('heading', { name: 'Mon profil', level: 1 }).waitFor();
    const options = await page.getByLabel('Fuseau horaire').locator('option').allTextContents();
    assert.equal(options[0]?.trim(), 'America/Toronto', 'Montréal’s zone first');
    assert.ok(options.length > 300, 'every zone the runtime knows');
    assert.equal(await page.getByLabel('Fuseau horaire').inputValue(), 'America/Toronto');
    // The session began seconds ago: its time, to the minute, in Québec French and Toronto's zone.
    assert.ok(
      recentTimes('fr-CA', 'America/Toronto').includes(await page.locator('[data-signed-in-at]').innerText()),
    );

    await page.getByLabel('Nom affiché').fill('Léa Côté-Roy');
    await page.getByLabel('Langue de l’interface').selectOption('en');
    await page.getByLabel('Fuseau horaire').selectOption('Asia/Tokyo');
    await page.getByRole('button', { name: 'Enregistrer le profil' }).click();
    await page.waitForURL('**/profile?notice=saved');
    await page.reload();
    await page.getByRole('heading', { name: 'My profile', level: 1 }).waitFor();
    assert.equal(await page.getByRole('status').innerText(), 'Profile saved.');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en-CA');
    assert.match(await page.locator('header').innerText(), /Léa Côté-Roy[\s\S]*Sign out/);
    assert.equal(await page.getByLabel('Language of the interface').inputValue(), 'en');
    assert.equal(await page.getByLabel('Time zone').inputValue(), 'Asia/Tokyo');

    assert.equal(
      (await server.platform.ctx.users.findUser(server.account.id, user.id))?.timeZone,
      'Asia/Tokyo',
    );
    // The same instant, now in Canadian English and in Tokyo's time.
    const shown = await page.locator('[data-signed-in-at]').innerText();
    assert.ok(recentTimes('en-CA', 'Asia/Tokyo').includes(shown), shown);
    assert.ok(!recentTimes('en-CA', 'America/Toronto').includes(shown));

    // A bad time zone posted by hand is refused with the domain's message, in English now.
    await page
      .locator('select[name=timeZone]')
      .evaluate((select) => select.insertAdjacentHTML('beforeend', '<option>Mars/Olympus</option>'));
    await page.getByLabel('Time zone').selectOption('Mars/Olympus');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/profile') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save the profile' }).click(),
    ]);
    assert.equal(response.status(), 400);
    assert.equal(await page.getByRole('alert').innerText(), 'Invalid timezone: Mars/Olympus');
    assert.equal(
      (await server.platform.ctx.users.findUser(server.account.id, user.id))?.timeZone,
      'Asia/Tokyo',
    );

    // Back to French: the whole UI again.
    await page.goto('/profile');
    await page.getByLabel('Language of the interface').selectOption('fr');
    await page.getByLabel('Time zone').selectOption('America/Toronto');
    await page.getByRole('button', { name: 'Save the profile' }).click();
    await page.waitForURL('**/profile?notice=saved');
    assert.equal(await page.getByRole('status').innerText(), 'Profil enregistré.');
    await context.close();
  });

  test('changing the password signs out the other browser, keeps this one, and only the new one works', async () => {
    const user = await createUser(server, { role: 'admin', language: 'fr', name: 'Marc Pelletier' });
    const here = await signedInContext(browser, server, user);
    const elsewhere = await signedInContext(browser, server, user);
    const elsewherePage = await elsewhere.newPage();
    assert.equal((await elsewherePage.goto('/profile'))?.status(), 200);
    const oldCookie = (await here.cookies()).find((c) => c.name === 'vm_session')?.value;

    const page = await here.newPage();
    await page.goto('/profile');
    // A wrong current password and a mismatched confirmation are refused, nothing changed.
    for (const [current, next, confirm, message] of [
      [
        'pas le bon mot de passe',
        'nouveau mot de passe 1',
        'nouveau mot de passe 1',
        'Le mot de passe actuel est incorrect.',
      ],
      [
        user.password,
        'nouveau mot de passe 1',
        'autre chose encore',
        'Les deux mots de passe ne correspondent pas.',
      ],
      [user.password, 'court', 'court', 'Le mot de passe doit compter au moins 10 caractères.'],
    ] as const) {
      await page.getByLabel('Mot de passe actuel').fill(current);
      await page.getByLabel('Nouveau mot de passe').fill(next);
      await page.getByLabel('Confirmez le mot de passe').fill(confirm);
      await page
        .locator('form[action="/profile/password"]')
        .evaluate((form) => form.setAttribute('novalidate', ''));
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/profile/password')),
        page.getByRole('button', { name: 'Changer le mot de passe' }).click(),
      ]);
      assert.equal(response.status(), 400, message);
      assert.equal(await page.getByRole('alert').innerText(), message);
    }
    assert.equal((await elsewherePage.goto('/profile'))?.status(), 200, 'still signed in elsewhere');

    await page.getByLabel('Mot de passe actuel').fill(user.password);
    await page.getByLabel('Nouveau mot de passe').fill('un tout nouveau mot de passe');
    await page.getByLabel('Confirmez le mot de passe').fill('un tout nouveau mot de passe');
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.waitForURL('**/profile?notice=passwordChanged');
    assert.equal(
      await page.getByRole('status').innerText(),
      'Mot de passe changé. Vos autres sessions ont été fermées.',
    );
    // This browser stays in, with a new session cookie.
    const newCookie = (await here.cookies()).find((c) => c.name === 'vm_session');
    assert.ok(newCookie && newCookie.value !== oldCookie);
    assert.equal(newCookie.httpOnly, true);
    assert.equal((await page.goto('/settings'))?.status(), 200);

    // The other browser is signed out.
    await elsewherePage.goto('/profile');
    assert.equal(new URL(elsewherePage.url()).pathname, '/sign-in');
    await elsewhere.close();

    // The old password is refused, the new one accepted.
    const fresh = await browser.newContext({ baseURL: server.url, locale: 'fr-CA' });
    const freshPage = await fresh.newPage();
    await freshPage.goto('/sign-in');
    await freshPage.getByLabel('Courriel').fill(user.email);
    await freshPage.getByLabel('Mot de passe').fill(user.password);
    await freshPage.getByRole('button', { name: 'Se connecter' }).click();
    assert.equal(await freshPage.getByRole('alert').innerText(), 'Courriel ou mot de passe incorrect.');
    await signIn(freshPage, { ...user, password: 'un tout nouveau mot de passe' });
    assert.equal(new URL(freshPage.url()).pathname, '/');
    await fresh.close();
    await here.close();
  });
});
