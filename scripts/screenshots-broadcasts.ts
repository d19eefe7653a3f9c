// The broadcast pages' part of `npm run screenshots`: a draft whose French text has typographic
// characters (so its editor shows the encoding adviser), a completed broadcast, a scheduled one,
// and the single send page with a text typed into the composer.
import type { Page } from 'playwright-core';
import type { TestServer } from '../test/helpers/server.js';

export async function seedBroadcasts(server: TestServer, groupId: string): Promise<[string, string][]> {
  const add = async (params: Record<string, string>) =>
    String((await server.call('post_broadcast', { from_groups: groupId, ...params })).body.broadcast.id);
  const draft = await add({
    name: 'Concours été',
    fr_message: 'Bonjour _NAME_! « Gros lot » — gagnez vos billets pour l’été…',
    en_message: 'Hi _NAME_! Win your tickets for the summer festival.',
  });
  const done = await add({
    name: 'Rappel du matin',
    fr_message: 'Bonjour _NAME_, l’émission commence à 7 h. Répondez STOP pour ne plus recevoir.',
    en_message: 'Hi _NAME_, the show starts at 7. Reply STOP to opt out.',
  });
  await server.call('start_broadcast', { broadcast: done });
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await add({
    name: 'Tirage du vendredi',
    fr_message: 'Le tirage est à midi.',
    launch_date: `${tomorrow} 16:00:00`,
  });
  for (let i = 0; i < 50; i++) {
    const state = (await server.call('get_broadcast', { broadcast: done })).body.broadcast.broadcast_status;
    if (state === 'completed') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return [
    ['broadcasts', '/broadcasts'],
    ['broadcast-editor', `/broadcasts/${draft}/edit`],
    ['broadcast-confirm', `/broadcasts/${draft}/confirm`],
    ['broadcast', `/broadcasts/${done}`],
  ];
}

/** The single send page with a French text whose guillemets and dash force UCS-2. */
export async function typeIntoSendPage(page: Page): Promise<void> {
  await page.locator('input[name=to]').fill('514 555-0101');
  await page.locator('textarea[name=message]').fill('C’est « super » — le concours commence à 7 h!');
}
