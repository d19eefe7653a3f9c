// `npm run screenshots`: a PNG of each page of the web app, in French and in English, written to
// docs/screenshots/. It starts the real platform on a temporary SQLite file, fills an account through
// the API (contacts, groups, an import, a key, a webhook), signs in with Debian's Chromium and visits
// every page at a laptop's width, plus the contacts list at a phone's (375 px).
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createUser, launchBrowser, signIn } from '../test/helpers/browser.js';
import { startTestServer, type TestServer } from '../test/helpers/server.js';
import { seedBroadcasts, typeIntoSendPage } from './screenshots-broadcasts.js';
import { seedInbox, shootInbox } from './screenshots-inbox.js';
import { seedTraffic, TRAFFIC_PAGES } from './screenshots-traffic.js';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

const PEOPLE = [
  ['Jean Tremblay', '5145550101', 'jean.tremblay@example.com', 'fr'],
  ['Marie Gagnon', '4185550102', 'marie.gagnon@example.com', 'fr'],
  ['Olivier Roy', '8195550103', 'olivier.roy@example.com', 'fr'],
  ['Emma Côté', '4505550104', 'emma.cote@example.com', 'fr'],
  ['Liam Bouchard', '5145550105', 'liam.bouchard@example.com', 'en'],
  ['Chloé Gauthier', '4385550106', 'chloe.gauthier@example.com', 'fr'],
  ['Noah Morin', '5815550107', 'noah.morin@example.com', 'en'],
  ['Léa Lavoie', '8735550108', 'lea.lavoie@example.com', 'fr'],
] as const;

async function seed(
  server: TestServer,
): Promise<{ contactId: string; groupId: string; importId: string; draftId: string }> {
  let contactId = '';
  for (const [name, number, email, language] of PEOPLE) {
    const saved = await server.call('post_contact', { name, number, email, language });
    contactId ||= String((saved.body.contact as { id: number }[])[0]?.id);
  }
  await server.call('post_contact', { name: 'Bloqué Test', number: '5145550199', language: 'fr' });
  // Adding a contact to the system group Blocked blocks it (contract §4).
  await server.call('add_group_contact', { group: 'Blocked', contact: '5145550199' });
  const group = await server.call('post_group', { group_name: 'Auditeurs du matin' });
  const groupId = String((group.body.group as { id: number }).id);
  for (const [, number] of PEOPLE.slice(0, 5))
    await server.call('add_group_contact', { group: groupId, contact: number });
  await server.call('post_group', { group_name: 'Concours été' });
  await server.call('post_webhook', { url: 'https://hooks.example.com/vudumobile', events: 'status,mo' });

  const csv = [
    'name,number,email,language',
    ...PEOPLE.map(([n, num, e, l]) => `${n} (maison),1${num.replace('555', '556')},maison.${e},${l}`),
    'Sans numéro,,,fr',
    'Mauvais,12,,fr',
  ].join('\n');
  const form = new FormData();
  form.append('email', server.account.userEmail);
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'auditeurs.csv');
  const response = await fetch(`${server.url}/api/import_contacts`, {
    method: 'POST',
    headers: { 'VUDUMOBILE-API-KEY': server.account.key },
    body: form,
  });
  const imported = (await response.json()) as { import_id?: number; id?: number };
  // An upload waiting for its Start on the preview page (what the web form makes).
  const draft = await server.platform.ctx.imports.upload({
    accountId: server.account.id,
    upload: async function* () {
      yield Buffer.from(
        ['Nom;Téléphone;Courriel;Langue;Commentaire', ...PEOPLE.map((p) => `${p.join(';')};`)].join('\r\n'),
      );
    },
    fileText: undefined,
    email: server.account.userEmail,
    overwrite: '1',
    group: groupId,
    fileName: 'auditeurs-matin.csv',
  });
  return {
    contactId,
    groupId,
    importId: String(imported.import_id ?? imported.id ?? ''),
    draftId: String(draft.importId),
  };
}

async function shoot(
  page: Page,
  path: string,
  file: string,
  prepare?: (page: Page) => Promise<void>,
): Promise<void> {
  await page.goto(path);
  await page.waitForLoadState('networkidle');
  await prepare?.(page);
  await page.screenshot({ path: `${OUT}${file}.png`, fullPage: true });
  console.log(`docs/screenshots/${file}.png  ${path}`);
}

const server = await startTestServer();
const browser = await launchBrowser();
try {
  await mkdir(OUT, { recursive: true });
  const ids = await seed(server);
  const broadcastPages = await seedBroadcasts(server, ids.groupId);
  await seedInbox(server);
  await seedTraffic(server);
  // Let the background importer finish so its page shows a completed report.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const pages: [string, string][] = [
    ...TRAFFIC_PAGES,
    ['contacts', '/contacts'],
    ['contact', `/contacts/${ids.contactId}`],
    ['groups', '/groups'],
    ['group', `/groups/${ids.groupId}`],
    ['imports', '/imports'],
    ['import', `/imports/${ids.importId}`],
    ['import-preview', `/imports/${ids.draftId}/preview`],
    ['developers', '/developers'],
    ['settings', '/settings'],
    ['users', '/settings/users'],
    ['profile', '/profile'],
    ...broadcastPages,
  ];
  for (const language of ['fr', 'en'] as const) {
    const anonymous = await browser.newPage({
      baseURL: server.url,
      viewport: { width: 1280, height: 800 },
      extraHTTPHeaders: { 'accept-language': language },
    });
    await shoot(anonymous, '/sign-in', `sign-in-${language}`);
    await anonymous.close();

    const user = await createUser(server, {
      role: 'admin',
      language,
      name: language === 'fr' ? 'Sophie Pelletier' : 'Sophie Pelletier',
    });
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, user);
    for (const [name, path] of pages) await shoot(page, path, `${name}-${language}`);
    await shootInbox(page, language, OUT);
    await shoot(page, '/send', `send-${language}`, typeIntoSendPage);
    await page.setViewportSize({ width: 375, height: 740 });
    await shoot(page, '/contacts', `contacts-phone-${language}`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
