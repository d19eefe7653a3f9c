import type { Page } from 'playwright-core';
import { parseSendRequest } from '../src/domain/messages/send-request.js';
import type { TestServer } from '../test/helpers/server.js';

/** The numbers of PEOPLE (screenshots.ts) who text the station, and what they write. */
const CONVERSATION = '15145550101';

/** Inbound messages and replies for the inbox and a conversation (sandbox receipts: delivered). */
export async function seedInbox(server: TestServer): Promise<void> {
  const { inbound, messaging } = server.platform.ctx;
  const sender = '15149541234';
  const receive = async (from: string, text: string) => {
    await inbound.receive({ from, to: sender, text, partCount: 1, receivedAt: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 30));
  };
  const reply = (to: string, text: string) =>
    messaging.send(server.account.id, parseSendRequest({ to, message: text }, 'CA'));
  await receive(CONVERSATION, 'Bonjour! Est-ce que le concours de billets est encore ouvert?');
  await reply(CONVERSATION, 'Oui, jusqu’à vendredi midi. Répondez avec votre nom pour participer.');
  await receive(CONVERSATION, 'Jean Tremblay, de Rosemont');
  await receive('14185550102', 'Quelle était la chanson de 8 h 15?');
  await receive('15145550105', 'Great show this morning, thanks!');
  await reply('15145550105', 'Thanks Liam, glad you enjoyed it!');
  await receive('18195550103', 'STOP');
  await receive('15145550177', 'Allô, vous jouez quoi après les nouvelles?');
  await receive(CONVERSATION, 'Merci, bonne journée!');
}

/** The inbox and a conversation, once their live stream is open (a stream never lets the network idle). */
export async function shootInbox(page: Page, language: 'fr' | 'en', out: string): Promise<void> {
  for (const [name, path] of [
    ['inbox', '/inbox'],
    ['conversation', `/inbox/${CONVERSATION}`],
  ] as const) {
    await page.goto(path);
    await page.locator('[data-live-state=open]').waitFor();
    await page.screenshot({ path: `${out}${name}-${language}.png`, fullPage: true });
    console.log(`docs/screenshots/${name}-${language}.png  ${path}`);
  }
}
