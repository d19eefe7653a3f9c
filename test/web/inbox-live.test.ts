import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, createUser, launchBrowser, signedInContext } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CLI = fileURLToPath(new URL('../../src/cli/program.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const TEXT = {
  fr: { reply: 'Votre réponse', send: 'Envoyer', delivered: 'Livré', sent: 'Réponse mise en file d’envoi.' },
  en: { reply: 'Your reply', send: 'Send', delivered: 'Delivered', sent: 'Reply queued for sending.' },
} as const;

describe('web: the inbox and a conversation update live (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  /** `vudumobile sandbox receive` against the server's database, as an operator would run it. */
  const sandboxReceive = async (from: string, message: string): Promise<void> => {
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'sandbox',
        'receive',
        '--account',
        String(server.account.id),
        '--from',
        from,
        '--message',
        message,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: server.platform.ctx.config.databaseUrl },
      },
    );
  };

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lang of ['fr', 'en'] as const) {
    test(`an inbound message appears in the open inbox; a reply's status reaches delivered on screen (${lang})`, async () => {
      const context = await signedInContext(
        browser,
        server,
        await createUser(server, { role: 'member', language: lang }),
      );
      const page = await context.newPage();
      const from = lang === 'fr' ? '15145550150' : '15145550151';
      const words = lang === 'fr' ? 'Bonjour la radio, quelle chanson?' : 'Hi there, what song was that?';
      await page.goto('/inbox');
      await page.locator('#threads[data-live-state=open]').waitFor();
      // A page that reloaded would lose this.
      await page.evaluate(() => ((globalThis as unknown as { stayed: boolean }).stayed = true));
      await sandboxReceive(from, words);
      await page.locator('.thread', { hasText: words }).waitFor({ timeout: 10_000 });
      assert.equal(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed), true);

      await page.locator('.thread a', { hasText: words }).click();
      await page.waitForURL(`**/inbox/${from}`);
      await page.getByLabel(TEXT[lang].reply).fill('Merci! / Thanks!');
      await Promise.all([
        page.waitForURL(/notice=sent$/),
        page.getByRole('button', { name: TEXT[lang].send }).click(),
      ]);
      assert.equal(await page.getByRole('status').first().innerText(), TEXT[lang].sent);
      await page.locator('#conversation[data-live-state=open]').waitFor();
      await page.evaluate(() => ((globalThis as unknown as { stayed: boolean }).stayed = true));
      const reply = page.locator('.bubble.mt', { hasText: 'Merci! / Thanks!' });
      await reply.locator('.status', { hasText: TEXT[lang].delivered }).waitFor({ timeout: 10_000 });
      // A new message from the same number appears in the open conversation too.
      await server.platform.ctx.inbound.receive({
        from,
        to: '15149541234',
        text: 'Super, merci',
        partCount: 1,
        receivedAt: Date.now(),
      });
      await page.locator('.bubble.mo', { hasText: 'Super, merci' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed), true);
      await context.close();
    });
  }
});
