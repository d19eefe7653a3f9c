import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { localMidnight } from '../../src/domain/messages/message-history-service.js';
import { receiptOutcome } from '../../src/domain/messages/receipt-status.js';
import { formatUtc } from '../../src/domain/common/dates.js';
import { zoneOffsetMs } from '../../src/domain/common/timezone.js';
import { browserSkip, createUser, launchBrowser, signedInContext } from '../helpers/browser.js';
import { insertOutbound } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sendTraffic, trafficSandbox } from '../helpers/traffic.js';
import { WebClient } from '../helpers/web-client.js';

const ZONE = 'America/Toronto';

/** get_feed from today's local midnight, both directions, counted the dashboard's way. */
async function feedCounts(server: TestServer): Promise<Record<string, number>> {
  const midnight = localMidnight(Date.now(), ZONE, 0);
  const local = formatUtc(midnight + zoneOffsetMs(ZONE, midnight));
  const feed = await server.call('get_feed', {
    date_start: local,
    pref_timezone: ZONE,
    direction: 'all',
    limit: '10000',
  });
  assert.equal(feed.status, 200);
  const rows = feed.body as { direction: string; status_mt?: string }[];
  const mt = rows.filter((r) => r.direction === 'mt');
  // An account with detailed statuses sees the receipt's `<STAT>_<ERR>` once one arrived.
  const plain = (status = '') => (status.includes('_') ? receiptOutcome(status.split('_')[0] ?? '') : status);
  const count = (status: string) => mt.filter((r) => plain(r.status_mt) === status).length;
  return {
    sent: mt.length,
    delivered: count('delivered'),
    failed: count('failed'),
    pending: count('queued') + count('sent'),
    received: rows.filter((r) => r.direction === 'mo').length,
  };
}

describe('dashboard', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ sms: trafficSandbox() });
    // 0 delivered ×4, 1 undeliverable ×2, 2 expired, 3 silent, 4 rejected.
    const numbers = ['5145550100', '5145550110', '5145550120', '5145550130', '5145550101', '5145550111'];
    await sendTraffic(
      server,
      [...numbers, '5145550102', '5145550103', '5145550104'],
      [
        { from: '15145550100', text: 'Allô la station!' },
        { from: '15145550199', text: 'Je participe au concours' },
      ],
    );
    // Another account's traffic today: never in the first account's figures (the assertions below).
    const other = await server.createAccount({ name: 'Autre', senders: ['15149549999'] });
    await insertOutbound(server.platform.store.db, other.id, ['15145550100', '15145550101'], {
      from_number: '15149549999',
      status: 'delivered',
    });
  });
  after(() => server.close());

  test('signing in lands on the dashboard; / asks a visitor to sign in', async () => {
    const visitor = new WebClient(server.url);
    const { response } = await visitor.get('/');
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/sign-in');
    const user = await createUser(server, { role: 'member' });
    const client = new WebClient(server.url);
    const signIn = await client.signIn(user);
    assert.equal(signIn.headers.get('location'), '/');
  });

  describe('in Chromium', { skip: browserSkip }, () => {
    let browser: Browser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(() => browser.close());

    for (const language of ['fr', 'en'] as const) {
      test(`the figures equal what get_feed reports, the chart is drawn (${language})`, async () => {
        const user = await createUser(server, { role: 'member', language });
        const context = await signedInContext(browser, server, user);
        const page = await context.newPage();
        await page.goto('/');
        assert.equal(
          await page.locator('h1').textContent(),
          language === 'fr' ? 'Tableau de bord' : 'Dashboard',
        );
        const expected = await feedCounts(server);
        assert.deepEqual(expected, { sent: 9, delivered: 4, failed: 4, pending: 1, received: 2 });
        for (const period of ['today', 'week', 'month']) {
          const card = page.locator(`[data-period=${period}]`);
          const shown: Record<string, number> = {};
          for (const name of Object.keys(expected)) {
            const text = (await card.locator(`[data-figure=${name}]`).textContent()) ?? '';
            shown[name] = Number(text.replace(/\D/g, ''));
          }
          assert.deepEqual(shown, expected, period);
          // 4 delivered of 8 settled.
          assert.equal((await card.locator('[data-figure=rate]').textContent())?.replace(/\s/g, ''), '50%');
        }
        await page.waitForSelector('[data-chart][data-drawn=true] canvas');
        const legend = await page.locator('.u-legend').textContent();
        assert.match(legend ?? '', language === 'fr' ? /Livré/ : /Delivered/);
        // The platform's state as /health reports it.
        const health = (await (await fetch(`${server.url}/health`)).json()) as {
          sms: { connectors: { name: string; state: string }[] };
        };
        for (const connector of health.sms.connectors) {
          assert.equal(
            await page.locator(`[data-connector="${connector.name}"]`).getAttribute('data-state'),
            connector.state,
          );
        }
        assert.equal(await page.locator('[data-queue=sms]').count(), 1);
        await context.close();
      });
    }
  });
});
