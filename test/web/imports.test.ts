import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  browserSkip,
  createUser,
  launchBrowser,
  signedInContext,
  type TestUser,
  csrfOf,
} from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { parse as parseCsv } from 'csv-parse/sync';

const ROWS = 10_000;

/**
 * 10,000 rows, 50 of them bad (every 200th): an invalid number, an invalid email, or a missing field.
 * Names carry accents and commas, so the report must quote and encode them right.
 */
function bigCsv(): { csv: string; badLines: number[] } {
  const lines = ['Nom,Téléphone,Courriel,Note'];
  const badLines: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    const line = i + 2;
    const number = `438${String(3_000_000 + i)}`;
    if (i % 200 === 13) {
      badLines.push(line);
      const kind = badLines.length % 3;
      if (kind === 0) lines.push(`"Hélène, n° ${i}",pas un numéro,,à corriger`);
      else if (kind === 1) lines.push(`Réjean ${i},${number},courriel.invalide,`);
      else lines.push(`Incomplet ${i},${number}`);
    } else {
      lines.push(`"Contact, ${i}",${number},c${i}@example.com,`);
    }
  }
  return { csv: lines.join('\r\n') + '\r\n', badLines };
}

/** The progress bar's live properties (value, max), not only its attributes. */
async function barState(page: Page): Promise<unknown> {
  return page.evaluate(
    `(() => { const bar = document.getElementById('import-bar'); return [bar.value, bar.max]; })()`,
  );
}

async function startImport(page: Page, name: string, content: string | Buffer): Promise<number> {
  await page.goto('/imports');
  await page.locator('#f-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
  await Promise.all([
    page.waitForURL(/\/imports\/\d+\/preview$/),
    page.locator('form[enctype="multipart/form-data"] button[type=submit]').click(),
  ]);
  return Number(/\/imports\/(\d+)\/preview$/.exec(page.url())?.[1]);
}

describe('web: the import page (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let fr: TestUser;
  let frContext: BrowserContext;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    fr = await createUser(server, { role: 'member', language: 'fr', name: 'Josée Gagnon' });
    frContext = await signedInContext(browser, server, fr);
  });
  after(async () => {
    await frContext?.close();
    await browser?.close();
    await server?.close();
  });

  test('10,000 rows with 50 bad ones: mapping, live progress to 100 %, reload, the error report', async () => {
    const { csv, badLines } = bigCsv();
    const page = await frContext.newPage();
    const importId = await startImport(page, 'abonnés.csv', csv);

    // The preview: the importer's own reading of the header, and the first rows.
    const main = page.locator('main');
    assert.match(await main.innerText(), /10\s000 lignes à importer dans le fichier abonnés\.csv/);
    const mapping = page.locator('table.mapping tbody tr');
    assert.deepEqual(await mapping.allInnerTexts(), [
      'Nom\tNom',
      'Téléphone\tNuméro de téléphone',
      'Courriel\tCourriel',
      'Note\tIgnorée',
    ]);
    assert.equal(await page.locator('table.preview-rows tbody tr').count(), 5);
    assert.equal(
      await page.locator('table.preview-rows tbody tr').first().locator('td').first().innerText(),
      'Contact, 0',
    );
    assert.equal((await server.platform.ctx.imports.get(server.account.id, importId)).status, 'draft');

    await Promise.all([
      page.waitForURL(new RegExp(`/imports/${importId}$`)),
      page.getByRole('button', { name: 'Lancer l’importation' }).click(),
    ]);
    // A reload at once (whatever the state by then) shows the state from the database.
    await page.reload();
    const bar = page.locator('#import-bar');
    assert.equal(await bar.getAttribute('max'), String(ROWS));
    assert.ok(Number(await bar.getAttribute('value')) <= ROWS);
    assert.match(
      await page.locator('[data-import-field=statusText]').innerText(),
      /^(En attente|En cours|Terminée)$/,
    );

    await page
      .locator('[data-import-field=statusText]', { hasText: 'Terminée' })
      .waitFor({ timeout: 120_000 });
    await page.waitForLoadState('load');
    assert.deepEqual(await barState(page), [ROWS, ROWS]);
    assert.match(
      await page.locator('[data-import-field=progressText]').innerText(),
      /^10\s000 lignes sur 10\s000 \(100 %\)$/,
    );
    assert.match(await page.locator('[data-import-field=created]').innerText(), /^9\s950$/);
    assert.equal(await page.locator('[data-import-field=rejected]').innerText(), '50');

    // Reloaded after the end: the same finished state, without an event stream.
    await page.reload();
    assert.equal(await page.locator('[data-import-events]').count(), 0);
    assert.deepEqual(await barState(page), [ROWS, ROWS]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger les lignes rejetées (CSV)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `import-${importId}-errors.csv`);
    const bytes = await readFile(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM, for Excel');
    // An independent parser reads the report, as a spreadsheet would.
    const records: string[][] = parseCsv(bytes.subarray(3).toString('utf8'), {
      relax_column_count: true, // a rejected row keeps the fields it had
    });
    assert.deepEqual(records[0], ['Ligne', 'Raison', 'Nom', 'Téléphone', 'Courriel', 'Note']);
    const rows = records.slice(1);
    assert.equal(rows.length, 50);
    assert.deepEqual(
      rows.map((r) => Number(r[0])),
      badLines,
    );
    const byLine = new Map(rows.map((r) => [Number(r[0]), r.slice(1)]));
    assert.deepEqual(byLine.get(badLines[2] ?? 0), [
      'Numéro de téléphone invalide',
      `Hélène, n° ${(badLines[2] ?? 0) - 2}`,
      'pas un numéro',
      '',
      'à corriger',
    ]);
    assert.deepEqual(byLine.get(badLines[0] ?? 0), [
      'Adresse courriel invalide',
      `Réjean ${(badLines[0] ?? 0) - 2}`,
      `438${3_000_000 + (badLines[0] ?? 0) - 2}`,
      'courriel.invalide',
      '',
    ]);
    assert.deepEqual(byLine.get(badLines[1] ?? 0), [
      'Nombre de colonnes incorrect (4 attendues, 2 trouvées)',
      `Incomplet ${(badLines[1] ?? 0) - 2}`,
      `438${3_000_000 + (badLines[1] ?? 0) - 2}`,
    ]);

    // The list shows it, newest first.
    await page.goto('/imports');
    const first = page.locator('main table tbody tr').first();
    assert.match(await first.innerText(), /abonnés\.csv/);
    assert.match(await first.innerText(), /Terminée/);
    assert.match(await first.innerText(), /10\s000 sur 10\s000/);
    await page.close();
  });

  test('the event stream reports progress until the end, then closes', async () => {
    const page = await frContext.newPage();
    const lines = ['email,name'];
    for (let i = 0; i < 3000; i++) lines.push(`flux${i}@example.com,Flux ${i}`);
    const importId = await startImport(page, 'flux.csv', lines.join('\n'));
    const cookie = (await frContext.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await server.platform.ctx.imports.confirm(server.account.id, importId);
    const response = await fetch(`${server.url}/imports/${importId}/events`, { headers: { cookie } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const text = await response.text(); // resolves only because the server ends the stream
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event: progress'))
      .map(
        (block) =>
          JSON.parse(block.slice(block.indexOf('data: ') + 6)) as {
            done: number;
            total: number;
            finished: boolean;
            statusText: string;
          },
      );
    assert.ok(events.length >= 1);
    const last = events[events.length - 1];
    assert.deepEqual(
      [last?.done, last?.total, last?.finished, last?.statusText],
      [3000, 3000, true, 'Terminée'],
    );
    for (let i = 1; i < events.length; i++) assert.ok((events[i]?.done ?? 0) >= (events[i - 1]?.done ?? 0));
    assert.ok(events.slice(0, -1).every((e) => !e.finished));

    // The page open on a draft follows it live once started elsewhere: only the event stream can
    // bring "Terminée" (the page reloads itself only when an event says the import ended).
    const liveId = await startImport(page, 'direct.csv', lines.join('\n').replace(/flux/g, 'direct'));
    await page.goto(`/imports/${liveId}`);
    assert.equal(await page.locator('[data-import-field=statusText]').innerText(), 'À confirmer');
    assert.equal(await page.locator('[data-import-events]').count(), 1);
    await server.platform.ctx.imports.confirm(server.account.id, liveId);
    await page
      .locator('[data-import-field=statusText]', { hasText: 'Terminée' })
      .waitFor({ timeout: 60_000 });
    assert.deepEqual(await barState(page), [3000, 3000]);
    await page.close();
  });

  test('the same pages in English, and a file dropped on the zone', async () => {
    const en = await createUser(server, { role: 'member', language: 'en' });
    const context = await signedInContext(browser, server, en);
    const page = await context.newPage();
    await page.goto('/imports');
    assert.equal(await page.locator('h1').innerText(), 'Contact import');
    // The page's own script, as a drop from the desktop triggers it (the tests' tsconfig has no DOM types).
    await page.evaluate(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['phone;name\\n5145550199;Zoé\\n'], 'dropped.csv', { type: 'text/csv' }));
      const zone = document.querySelector('[data-dropzone]');
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    assert.equal(await page.evaluate(`document.getElementById('f-file').files[0]?.name`), 'dropped.csv');
    await Promise.all([
      page.waitForURL(/\/preview$/),
      page.getByRole('button', { name: 'Upload and review' }).click(),
    ]);
    assert.deepEqual(await page.locator('table.mapping tbody tr').allInnerTexts(), [
      'phone\tPhone number',
      'name\tName',
    ]);
    assert.match(await page.locator('main').innerText(), /1 rows to import in the file dropped\.csv/);
    await Promise.all([
      page.waitForURL(/\/imports\/\d+$/),
      page.getByRole('button', { name: 'Start the import' }).click(),
    ]);
    await page
      .locator('[data-import-field=statusText]', { hasText: 'Completed' })
      .waitFor({ timeout: 60_000 });
    assert.match(await page.locator('main').innerText(), /No rows rejected\./);
    assert.match(
      await page.locator('[data-import-field=progressText]').innerText(),
      /^1 rows of 1 \(100%\)$/,
    );

    // Cancel: the draft and its file are gone.
    const id = await startImport(page, 'annule.csv', 'email,name\nx@example.com,X\n');
    await Promise.all([
      page.waitForURL(/notice=cancelled/),
      page.getByRole('button', { name: 'Cancel the import' }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), /The import was cancelled; the file is deleted\./);
    await assert.rejects(server.platform.ctx.imports.get(server.account.id, id));
    await context.close();
  });

  test('another account’s import answers 404 everywhere; no CSRF token, no upload', async () => {
    const page = await frContext.newPage();
    const mine = await startImport(page, 'mien.csv', 'email,name\nmien@example.com,M\n');
    const otherAccount = await server.createAccount();
    const stranger = await createUser(server, { accountId: otherAccount.id, role: 'admin', language: 'fr' });
    const strangerContext = await signedInContext(browser, server, stranger);
    const strangerPage = await strangerContext.newPage();
    for (const path of [
      `/imports/${mine}`,
      `/imports/${mine}/preview`,
      `/imports/${mine}/events`,
      `/imports/${mine}/errors.csv`,
    ]) {
      const response = await strangerPage.goto(path);
      assert.equal(response?.status(), 404, path);
      assert.match(await strangerPage.locator('main').innerText(), /Cette page n’existe pas/);
    }
    await strangerPage.goto('/imports');
    const strangerToken = await csrfOf(strangerPage);
    for (const action of ['start', 'cancel']) {
      const response = await strangerContext.request.post(`/imports/${mine}/${action}`, {
        form: { _csrf: strangerToken },
        maxRedirects: 0,
      });
      assert.equal(response.status(), 404, action);
    }
    assert.equal((await server.platform.ctx.imports.get(server.account.id, mine)).status, 'draft');
    assert.deepEqual(await server.platform.ctx.imports.list(otherAccount.id, 10), []);

    // Uploads without the token, or with another session's, are refused before anything is read.
    await page.goto('/imports');
    const before = (await server.platform.ctx.imports.list(server.account.id, 1000)).length;
    const multipart = {
      file: { name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('email,name\nsans@example.com,S\n') },
      email: fr.email,
    };
    for (const url of ['/imports', `/imports?_csrf=${encodeURIComponent(strangerToken)}`]) {
      const response = await frContext.request.post(url, { multipart, maxRedirects: 0 });
      assert.equal(response.status(), 403, url);
      assert.match(await response.text(), /Le formulaire a expiré/);
    }
    // The token in the URL is accepted for uploads only: not for a url-encoded form.
    const token = await csrfOf(page);
    const refused = await frContext.request.post(
      `/imports/${mine}/start?_csrf=${encodeURIComponent(token)}`,
      {
        form: { nothing: '' },
        maxRedirects: 0,
      },
    );
    assert.equal(refused.status(), 403);
    assert.equal((await server.platform.ctx.imports.list(server.account.id, 1000)).length, before);
    assert.equal((await server.platform.ctx.imports.get(server.account.id, mine)).status, 'draft');
    await strangerContext.close();
    await page.close();
  });

  test('a file that is not a CSV: the importer’s error, status 400, the choices kept, nothing created', async () => {
    const page = await frContext.newPage();
    await page.goto('/imports');
    const before = (await server.platform.ctx.imports.list(server.account.id, 1000)).length;
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await page.locator('#f-file').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
    await page.getByLabel('Contacts déjà présents (même numéro ou courriel)').selectOption('1');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/imports?_csrf=') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Téléverser et vérifier' }).click(),
    ]);
    assert.equal(response.status(), 400);
    await page.waitForLoadState('load');
    assert.equal(await page.getByRole('alert').innerText(), 'Le fichier CSV n’a pas pu être lu.');
    assert.equal(await page.getByLabel('Contacts déjà présents (même numéro ou courriel)').inputValue(), '1');
    assert.equal((await server.platform.ctx.imports.list(server.account.id, 1000)).length, before);

    // No header naming a number or an email: the importer's own refusal, translated.
    await page
      .locator('#f-file')
      .setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') });
    await page.getByRole('button', { name: 'Téléverser et vérifier' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.getByRole('alert').innerText(), 'Fichier CSV mal formé.');
    assert.equal((await server.platform.ctx.imports.list(server.account.id, 1000)).length, before);
    await page.close();
  });
});
