import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  browserSkip,
  createUser,
  launchBrowser,
  signedInContext,
  type TestUser,
} from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The counter's state as the page shows it: the encoding and parts it announces. */
async function counter(page: Page): Promise<{ encoding: string; parts: string; text: string }> {
  const count = page.locator('[data-composer-count]');
  return {
    encoding: (await count.getAttribute('data-encoding')) ?? '',
    parts: (await count.getAttribute('data-parts')) ?? '',
    text: await count.innerText(),
  };
}

/**
 * The composer (assets/web/composer.mjs, bundled with the domain's segmenter): what the page counts
 * is what `send` answers, and the adviser names what forces UCS-2 and replaces only when asked.
 */
describe('web: the composer and the single send page (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let fr: TestUser;
  let en: TestUser;
  let frContext: BrowserContext;
  let enContext: BrowserContext;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    fr = await createUser(server, { role: 'member', language: 'fr' });
    en = await createUser(server, { role: 'member', language: 'en' });
    frContext = await signedInContext(browser, server, fr);
    enContext = await signedInContext(browser, server, en);
  });
  after(async () => {
    await frContext?.close();
    await enContext?.close();
    await browser?.close();
    await server?.close();
  });

  test('typographic characters: UCS-2 named, one click back to GSM-7, and send agrees', async () => {
    const page = await frContext.newPage();
    await page.goto('/send');
    const area = page.locator('textarea[name=message]');
    assert.equal(await page.locator('[data-composer-count]').getAttribute('aria-live'), 'polite');
    await area.pressSequentially('C’est « super » — 5 $');
    assert.deepEqual(await counter(page), {
      encoding: 'UCS-2',
      parts: '1',
      text: '21 caractères · 1 partie · UCS-2',
    });
    const causes = page.locator('[data-composer-causes] li');
    assert.deepEqual(await causes.evaluateAll((items) => items.map((i) => i.getAttribute('data-char'))), [
      '’',
      '«',
      '»',
      '—',
    ]);
    assert.match(await causes.first().innerText(), /^’ U\+2019 → '$/);
    // Nothing changes until the writer asks.
    assert.equal(await area.inputValue(), 'C’est « super » — 5 $');
    await page.locator('[data-composer-replace]').click();
    assert.equal(await area.inputValue(), 'C\'est "super" - 5 $');
    assert.deepEqual(await counter(page), {
      encoding: 'GSM-7',
      parts: '1',
      text: '19 caractères · 1 partie · GSM-7',
    });
    assert.equal(
      await page.locator('[data-composer-done]').innerText(),
      '4 caractères remplacés\u00a0: GSM-7, 1 partie.',
    );
    assert.equal(await page.locator('[data-composer-advice]').isHidden(), true);

    // The page's count is the API's answer for the same text.
    const api = await server.call('send', { to: '5145550111', message: await area.inputValue() });
    assert.equal(api.status, 200);
    assert.equal(api.body.encoding, 'GSM-7');
    assert.equal(api.body.part_count, 1);

    // And the page's own send answers the same.
    await page.locator('input[name=to]').fill('514 555-0112');
    await Promise.all([
      page.waitForURL(/\/send\?sent=/),
      page.locator('main form button[type=submit]').click(),
    ]);
    const sent = page.locator('[data-sent-id]');
    assert.equal(await sent.getAttribute('data-sent-encoding'), 'GSM-7');
    assert.equal(await sent.getAttribute('data-sent-parts'), '1');
    const id = Number(await sent.getAttribute('data-sent-id'));
    assert.equal(id, api.body.msg_id + 1);
    await page.close();
  });

  test('a letter without equivalent stays UCS-2 and is named; the cost in parts', async () => {
    const page = await enContext.newPage();
    await page.goto('/send');
    const area = page.locator('textarea[name=message]');
    await area.fill('Ça coûte 5 $');
    assert.deepEqual(await counter(page), {
      encoding: 'UCS-2',
      parts: '1',
      text: '12 characters · 1 part · UCS-2',
    });
    assert.deepEqual(await page.locator('[data-composer-causes] li').allInnerTexts(), ['û U+00FB']);
    assert.equal(await page.locator('[data-composer-replace]').count(), 0);
    // 80 characters: 2 parts in UCS-2 where GSM-7 would need 1.
    await area.fill('Ça coûte 5 $ '.repeat(6) + 'Merci!');
    assert.equal(await page.locator('[data-composer-cost]').innerText(), 'Cost: 2 parts instead of 1 part.');
    const api = await server.call('send', { to: '5145550113', message: await area.inputValue() });
    assert.deepEqual([api.body.encoding, api.body.part_count], ['UCS-2', 2]);
    assert.equal((await counter(page)).parts, '2');
    await page.close();
  });
});
