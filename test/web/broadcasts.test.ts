import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bulkInsertContacts, makeGroup } from '../helpers/address-book.js';
import { waitFor } from '../helpers/broadcasts.js';
import {
  browserSkip,
  createUser,
  launchBrowser,
  signedInContext,
  type TestUser,
} from '../helpers/browser.js';
import { testSandbox } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CONTACTS = 2000;
/** Contact i has number 1514 (2000000 + i), language fr when i is even (bulkInsertContacts). */
const numberOf = (i: number) => `1514${2_000_000 + i}`;

/** `YYYY-MM-DDTHH:MM:SS` of an instant in a time zone: what a datetime-local input holds. */
function localInput(instant: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

async function saveDraft(page: Page, name: string, group: string, fr: string, en: string): Promise<string> {
  await page.goto('/broadcasts/new');
  await page.locator('input[name=name]').fill(name);
  await page.getByRole('checkbox', { name: new RegExp(`^${group}`) }).check();
  await page.locator('textarea[name=fr_message]').fill(fr);
  await page.locator('textarea[name=en_message]').fill(en);
  await Promise.all([
    page.waitForURL(/\/broadcasts\/\d+\?notice=saved$/),
    page.locator('main form button[type=submit]').click(),
  ]);
  return /\/broadcasts\/(\d+)/.exec(page.url())?.[1] ?? '';
}

/**
 * A broadcast from the editor to `completed` in Chromium, against the real server, fan-out,
 * dispatcher and the sandbox carrier; and one that starts on its own at the time chosen in the
 * user's zone.
 */
describe('web: broadcasts (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let fr: TestUser;
  let en: TestUser;
  let frContext: BrowserContext;
  let enContext: BrowserContext;

  before(async () => {
    server = await startTestServer({ sms: testSandbox() });
    const db = server.platform.store.db;
    const account = server.account.id;
    await bulkInsertContacts(db, account, CONTACTS);
    const ids = (
      await db.selectFrom('contacts').select('id').where('account_id', '=', account).orderBy('id').execute()
    ).map((r) => r.id);
    await makeGroup(db, account, 'Concours', ids);
    await makeGroup(db, account, 'Petit', ids.slice(10, 13));
    // Contact 0 (fr) blocked through the API, contact 1 (en) opted out by texting STOP.
    assert.deepEqual(
      (await server.call('add_group_contact', { group: 'Blocked', contact: numberOf(0) })).body,
      { status: true },
    );
    await server.platform.ctx.inbound.receive({
      from: numberOf(1),
      to: '15149541234',
      text: 'STOP',
      partCount: 1,
      receivedAt: Date.now(),
    });
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

  test('2,000 contacts: composed, previewed fr and en, test-sent, confirmed, completed as get_broadcast says', async () => {
    const page = await frContext.newPage();
    await page.goto('/broadcasts/new');
    await page.getByRole('checkbox', { name: /^Concours/ }).check();
    await waitFor('the live count', async () =>
      /1\s998 par SMS \(français\s: 999, anglais\s: 999\)/.test(
        await page.locator('[data-reach]').innerText(),
      ),
    );
    await page.locator('input[name=name]').fill('Concours du matin');
    const frText = page.locator('textarea[name=fr_message]');
    await frText.pressSequentially('Bonjour ');
    await page.locator('[data-merge-field=_NAME_]').first().click();
    await frText.pressSequentially(', le concours commence!');
    assert.equal(await frText.inputValue(), 'Bonjour _NAME_, le concours commence!');
    await page.locator('textarea[name=en_message]').fill('Hi _NAME_, the contest starts!');
    await Promise.all([
      page.waitForURL(/\/broadcasts\/\d+\?notice=saved$/),
      page.locator('main form button[type=submit]').click(),
    ]);
    const id = /\/broadcasts\/(\d+)/.exec(page.url())?.[1] ?? '';

    // Previews: contact 2 is French, contact 3 English.
    for (const [i, expected] of [
      [2, 'Bonjour Contact 2, le concours commence!'],
      [3, 'Hi Contact 3, the contest starts!'],
    ] as const) {
      await page.locator('#f-contact').fill(numberOf(i));
      await Promise.all([
        page.waitForURL(/contact=/),
        page.getByRole('button', { name: 'Afficher l’aperçu' }).click(),
      ]);
      assert.equal(await page.locator('[data-preview-sms]').innerText(), expected);
    }

    // A test to contact 2: one SMS outside the broadcast's counters.
    await page.locator('#f-test-contact').fill(numberOf(2));
    await Promise.all([
      page.waitForURL(/notice=tested/),
      page.getByRole('button', { name: 'Envoyer un test' }).click(),
    ]);
    const tests = await server.platform.store.db
      .selectFrom('messages')
      .select(['body', 'broadcast_id'])
      .where('to_number', '=', numberOf(2))
      .execute();
    assert.deepEqual(tests, [{ body: 'Bonjour Contact 2, le concours commence!', broadcast_id: null }]);

    // The confirmation: count, language split and cost, before anything starts.
    await page.getByRole('link', { name: 'Vérifier et lancer…' }).click();
    await page.waitForURL(/\/confirm$/);
    assert.equal(await page.locator('[data-confirm-total]').getAttribute('data-confirm-total'), '1998');
    assert.deepEqual(await page.locator('[data-confirm-recipients]').allInnerTexts(), ['999', '999']);
    assert.equal(await page.locator('[data-confirm-parts]').getAttribute('data-confirm-parts'), '1998');
    assert.equal(
      (await server.call('get_broadcast', { broadcast: id })).body.broadcast.broadcast_status,
      'pending',
    );
    await Promise.all([page.waitForURL(/notice=started/), page.locator('[data-start]').click()]);

    // The page follows the broadcast live and reloads once it is completed.
    await page.locator('[data-status=completed]').waitFor({ timeout: 60_000 });
    const api = (await server.call('get_broadcast', { broadcast: id })).body.broadcast;
    assert.deepEqual(
      [api.broadcast_status, api.number_total, api.number_delivered, api.number_failed],
      ['completed', '1998', '1998', '0'],
    );
    const field = (name: string) => page.locator(`[data-broadcast-field=${name}]`).innerText();
    assert.equal((await field('totalText')).replace(/\s/g, ''), api.number_total);
    assert.equal((await field('delivered')).replace(/\s/g, ''), api.number_delivered);
    assert.equal((await field('failed')).replace(/\s/g, ''), api.number_failed);
    assert.equal(
      await page.locator('#broadcast-bar').evaluate((bar) => (bar as unknown as { value: number }).value),
      1998,
    );
    // Nobody blocked or opted out got it.
    const sent = await server.platform.store.db
      .selectFrom('messages')
      .select('to_number')
      .where('broadcast_id', '=', Number(id))
      .execute();
    assert.equal(sent.length, 1998);
    assert.ok(!sent.some((m) => m.to_number === numberOf(0) || m.to_number === numberOf(1)));
    await page.close();
  });

  test('scheduled in the user’s time zone, it starts on its own (en)', async () => {
    const page = await enContext.newPage();
    const id = await saveDraft(page, 'Reminder', 'Petit', 'Rappel', 'Reminder');
    await page.getByRole('link', { name: 'Review and start…' }).click();
    await page.waitForURL(/\/confirm$/);
    const at = Math.ceil((Date.now() + 4000) / 1000) * 1000;
    await page.getByLabel('At this date and time').check();
    await page.locator('#f-launch_at').fill(localInput(at, 'America/Toronto'));
    await Promise.all([page.waitForURL(/notice=scheduled/), page.locator('[data-start]').click()]);
    assert.equal(await page.locator('[data-status]').first().getAttribute('data-status'), 'scheduled');
    const pending = (await server.call('get_broadcast', { broadcast: id })).body.broadcast;
    assert.equal(pending.broadcast_status, 'pending');
    assert.equal(pending.launch_date, new Date(at).toISOString().replace('T', ' ').slice(0, 19));
    await waitFor(
      'the scheduled start',
      async () =>
        (await server.call('get_broadcast', { broadcast: id })).body.broadcast.broadcast_status ===
        'completed',
      20_000,
    );
    assert.ok(Date.now() >= at);
    // The open page follows: it reloads when the scheduler starts it, and again once it is done.
    await page.locator('h1 [data-status=completed]').waitFor({ timeout: 10_000 });
    await page.close();
  });
});
