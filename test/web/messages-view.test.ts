import { parse } from 'csv-parse/sync';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  browserSkip,
  createUser,
  launchBrowser,
  signedInContext,
  type TestUser,
} from '../helpers/browser.js';
import { insertOutbound } from '../helpers/messages.js';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/server.js';
import { sendTraffic, trafficSandbox, type Traffic } from '../helpers/traffic.js';
import { WebClient } from '../helpers/web-client.js';

/** Reads the export (BOM, CRLF, `;` in French) with an independent parser, as a spreadsheet would. */
function parseCsv(text: string, delimiter: string): string[][] {
  return parse(text, { bom: true, delimiter, relax_column_count: true }) as string[][];
}

async function shownIds(page: Page): Promise<number[]> {
  return (
    await page
      .locator('table.messages tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))
  ).map(Number);
}

describe('messages view', () => {
  let server: TestServer;
  let traffic: Traffic;
  let other: TestAccount;
  let otherIds: number[];

  before(async () => {
    server = await startTestServer({ sms: trafficSandbox() });
    traffic = await sendTraffic(
      server,
      ['5145550100', '5145550110', '5145550101', '5145550102', '5145550104'],
      [
        { from: '15145550100', text: '=HYPERLINK("http://evil.example")' },
        { from: '15145550177', text: 'Bonjour, « super » émission' },
      ],
    );
    // Another account, with a message to one of the same numbers: never shown to the first.
    other = await server.createAccount({ name: 'Autre', senders: ['15149549999'] });
    otherIds = await insertOutbound(server.platform.store.db, other.id, ['15145550100', '15145550666'], {
      from_number: '15149549999',
      body: 'secret de B',
      status: 'delivered',
    });
  });
  after(() => server.close());

  describe('over HTTP', () => {
    let client: WebClient;
    let user: TestUser;
    before(async () => {
      user = await createUser(server, { role: 'member', language: 'en' });
      client = new WebClient(server.url);
      await client.signIn(user);
    });

    test('isolation: nothing of another account on the page, a number filter or the export', async () => {
      for (const path of [
        '/messages',
        '/messages?number=5145550100',
        '/messages?number=5145550666',
        '/messages/export.csv',
      ]) {
        const { response, body } = await client.get(path);
        assert.equal(response.status, 200, path);
        assert.doesNotMatch(body, /secret de B|15149549999/, path);
        for (const id of otherIds) assert.doesNotMatch(body, new RegExp(`data-id="${id}"`), path);
      }
      const { body } = await client.get('/messages?number=5145550666');
      assert.match(body, /data-empty/);
    });

    test('bad filters: a clear message and a 400, nothing else', async () => {
      const cases: [string, RegExp][] = [
        ['/messages?direction=sideways', /Choose a direction/],
        ['/messages?status=lost', /Choose a status/],
        ['/messages?number=abc', /phone number is not valid/],
        ['/messages?from=2026-13-45', /Invalid date/],
        ['/messages?from=2026-12-05&to=2026-12-01', /start date must come before/],
        ['/messages?before=x', /page link is not valid/],
        ['/messages/export.csv?number=12', /phone number is not valid/],
        [`/messages?number=${'9'.repeat(500)}`, /phone number is not valid/],
      ];
      for (const [path, message] of cases) {
        const { response, body } = await client.get(path);
        assert.equal(response.status, 400, path);
        assert.match(body, message, path);
        assert.match(body, /role="alert"/, path);
      }
    });

    test('keyset pages of 50, newest first, none skipped or repeated', async () => {
      // An account of its own, so the other tests' rows stay as they are.
      const account = await server.createAccount({ name: 'Pages', senders: ['15149548888'] });
      const reader = new WebClient(server.url);
      await reader.signIn(await createUser(server, { accountId: account.id, role: 'member' }));
      const numbers = Array.from({ length: 60 }, (_, i) => `1514556${String(i).padStart(4, '0')}`);
      // Same created_at for all: the id breaks the tie.
      const ids = await insertOutbound(server.platform.store.db, account.id, numbers, {
        created_at: Date.parse('2026-01-15T15:00:00Z'),
        status: 'delivered',
      });
      const range = 'from=2026-01-15&to=2026-01-15';
      const first = await reader.get(`/messages?${range}`);
      const firstIds = [...first.body.matchAll(/data-id="(\d+)"/g)].map((m) => Number(m[1]));
      assert.equal(firstIds.length, 50);
      const older = /href="(\/messages\?[^"]*before=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(older, 'a link to older messages');
      const second = await reader.get(older);
      const secondIds = [...second.body.matchAll(/data-id="(\d+)"/g)].map((m) => Number(m[1]));
      assert.deepEqual(
        [...firstIds, ...secondIds],
        [...ids].sort((a, b) => b - a),
      );
    });
  });

  describe('in Chromium', { skip: browserSkip }, () => {
    let browser: Browser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(() => browser.close());

    for (const language of ['fr', 'en'] as const) {
      test(`filters by direction, status, number and date; the CSV has the same rows (${language})`, async () => {
        const user = await createUser(server, { role: 'member', language });
        const context = await signedInContext(browser, server, user);
        const page = await context.newPage();
        await page.goto('/messages');
        const all = [...traffic.sent.values(), ...traffic.received].sort((a, b) => b - a);
        assert.deepEqual(await shownIds(page), all);

        await page.selectOption('select[name=direction]', 'mo');
        await Promise.all([
          page.waitForURL(/direction=mo/),
          page.locator('.message-filters button[type=submit]').click(),
        ]);
        assert.deepEqual(
          await shownIds(page),
          [...traffic.received].sort((a, b) => b - a),
        );

        await page.selectOption('select[name=direction]', '');
        await page.selectOption('select[name=status]', 'failed');
        await Promise.all([
          page.waitForURL(/status=failed/),
          page.locator('.message-filters button[type=submit]').click(),
        ]);
        const failed = ['5145550101', '5145550102', '5145550104'].map((n) => traffic.sent.get(n) ?? 0);
        assert.deepEqual(
          await shownIds(page),
          failed.sort((a, b) => b - a),
        );
        // §6 name and suggested action in the reader's language.
        const row300 = page.locator(`tr[data-id="${traffic.sent.get('5145550101')}"] td.status`);
        assert.match(
          await row300.innerText(),
          language === 'fr'
            ? /UNDELIV_300 Non livrable[\s\S]*Action suggérée\u00a0: À votre discrétion/
            : /UNDELIV_300 Undeliverable[\s\S]*Suggested action: At your discretion/,
        );
        const row102 = page.locator(`tr[data-id="${traffic.sent.get('5145550102')}"] td.status`);
        assert.match(await row102.innerText(), language === 'fr' ? /Réessayer plus tard/ : /Try again later/);

        // A number, typed as people do, matches both directions of that conversation.
        await page.selectOption('select[name=status]', '');
        await page.fill('input[name=number]', '514 555-0100');
        await Promise.all([
          page.waitForURL(/number=/),
          page.locator('.message-filters button[type=submit]').click(),
        ]);
        const conversation = [traffic.sent.get('5145550100') ?? 0, traffic.received[0] ?? 0].sort(
          (a, b) => b - a,
        );
        assert.deepEqual(await shownIds(page), conversation);

        // Dates: today holds them all, a past day none.
        await page.fill('input[name=number]', '');
        await page.fill('input[name=from]', '2025-01-01');
        await page.fill('input[name=to]', '2025-01-02');
        await Promise.all([
          page.waitForURL(/from=2025-01-01/),
          page.locator('.message-filters button[type=submit]').click(),
        ]);
        assert.equal(await page.locator('[data-empty]').count(), 1);
        const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Toronto' }).format(new Date());
        await page.goto(`/messages?from=${today}&to=${today}&status=failed`);
        assert.deepEqual(
          await shownIds(page),
          failed.sort((a, b) => b - a),
        );

        // The export of the same filter: the same rows, in the reader's language and delimiter.
        const href = await page.locator('a[download]').getAttribute('href');
        assert.ok(href);
        const csv = await page.request.get(href);
        assert.equal(csv.status(), 200);
        assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
        const records = parseCsv(await csv.text(), language === 'fr' ? ';' : ',');
        assert.equal(records[0]?.[1], language === 'fr' ? 'Date' : 'Date');
        assert.deepEqual(
          records.slice(1).map((r) => Number(r[0])),
          failed.sort((a, b) => b - a),
        );
        const undeliverable = records.find((r) => Number(r[0]) === traffic.sent.get('5145550101'));
        assert.equal(undeliverable?.[6], 'UNDELIV_300');
        assert.equal(undeliverable?.[7], language === 'fr' ? 'Non livrable' : 'Undeliverable');

        // A formula in a received text is exported as text.
        const inbound = await page.request.get('/messages/export.csv?direction=mo');
        const cells = parseCsv(await inbound.text(), language === 'fr' ? ';' : ',');
        const formula = cells.find((r) => Number(r[0]) === traffic.received[0]);
        assert.equal(formula?.[10], `'=HYPERLINK("http://evil.example")`);
        await context.close();
      });
    }
  });
});
