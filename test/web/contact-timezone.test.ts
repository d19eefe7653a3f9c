import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserSkip, createUser, launchBrowser, signedInContext } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('web: a contact’s time zone on its form (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let fr: BrowserContext;
  let en: BrowserContext;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    fr = await signedInContext(browser, server, await createUser(server, { language: 'fr' }));
    en = await signedInContext(browser, server, await createUser(server, { language: 'en' }));
  });
  after(async () => {
    await fr?.close();
    await en?.close();
    await browser?.close();
    await server?.close();
  });

  const storedZone = async (path: string): Promise<string | null> => {
    const id = Number(/\/contacts\/(\d+)/.exec(path)?.[1]);
    const row = await server.platform.store.db
      .selectFrom('contacts')
      .select('time_zone')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return row.time_zone;
  };

  test('sets, shows, keeps, refuses and clears the zone, in French', async () => {
    const page = await fr.newPage();
    await page.goto('/contacts/new');
    const zone = page.getByLabel('Fuseau horaire');
    assert.equal(await zone.inputValue(), '', 'by default: the area code’s');
    assert.equal(
      await page.locator('#f-timezone-hint').innerText(),
      'Les envois massifs attendent la fin des heures calmes du compte (la nuit) dans ce fuseau. Par défaut : celui de l’indicatif régional du numéro.',
    );
    await page.getByLabel('Numéro de téléphone').fill('514 555-0171');
    await zone.selectOption('America/Vancouver');
    await page.getByRole('button', { name: 'Ajouter le contact' }).click();
    await page.waitForURL(/\/contacts\/\d+\?notice=created$/);
    const contactUrl = new URL(page.url()).pathname;
    assert.match(await page.locator('dl.facts').innerText(), /Fuseau horaire\s+America\/Vancouver/);
    assert.equal(await storedZone(contactUrl), 'America/Vancouver');

    // Saving other fields keeps it: the form shows the zone selected.
    assert.equal(await page.getByLabel('Fuseau horaire').inputValue(), 'America/Vancouver');
    await page.getByLabel('Nom', { exact: true }).fill('Exilée');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.waitForURL(/notice=saved$/);
    assert.equal(await storedZone(contactUrl), 'America/Vancouver');

    // A zone the platform does not know (a forged form) is the API's refusal, in French.
    await page.evaluate(`(() => {
      const select = document.getElementById('f-timezone');
      select.add(new Option('Mars', 'Mars/Olympus'));
      select.value = 'Mars/Olympus';
    })()`);
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    assert.equal(
      await page.getByRole('alert').innerText(),
      'Fuseau horaire invalide : choisissez un fuseau IANA, comme America/Toronto.',
    );
    assert.equal(await storedZone(contactUrl), 'America/Vancouver');

    await page.goto(contactUrl);
    await page.getByLabel('Fuseau horaire').selectOption('');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.waitForURL(/notice=saved$/);
    assert.equal(await storedZone(contactUrl), null);
    assert.match(
      await page.locator('dl.facts').innerText(),
      /Fuseau horaire\s+Selon l’indicatif régional du numéro/,
    );
  });

  test('labels the field in English', async () => {
    const page = await en.newPage();
    await page.goto('/contacts/new');
    const zone = page.getByLabel('Time zone');
    assert.equal(
      (await zone.locator('option:checked').innerText()).trim(),
      'From the number’s area code',
      'the first choice',
    );
    await page.getByLabel('Phone number').fill('514 555-0172');
    await zone.selectOption('America/St_Johns');
    await page.getByRole('button', { name: 'Add the contact' }).click();
    await page.waitForURL(/\/contacts\/\d+\?notice=created$/);
    assert.match(await page.locator('dl.facts').innerText(), /Time zone\s+America\/St_Johns/);
  });
});
