import assert from 'node:assert/strict';
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
import { startTestServer, type TestAccount, type TestServer } from '../helpers/server.js';

/** What the API answers to get_contacts with this key. */
async function getContacts(server: TestServer, key: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}/api/get_contacts`, {
    method: 'POST',
    headers: { 'VUDUMOBILE-API-KEY': key, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'group=Tous',
  });
  return { status: response.status, body: await response.json() };
}

describe('web: the Developers page, API keys and webhooks (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestUser;
  let context: BrowserContext;
  let page: Page;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    admin = await createUser(server, { role: 'admin', language: 'fr' });
    context = await signedInContext(browser, server, admin);
    page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  const accounts = () => server.platform.ctx.accounts;

  test('a key created in the page calls the API; revoked in the page, the API refuses it', async () => {
    await page.goto('/developers');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Développeurs');
    assert.equal(await page.getByRole('link', { name: 'Référence de l’API' }).getAttribute('href'), '/docs');
    assert.match(await page.locator('main').innerText(), /l’en-tête HTTP VUDUMOBILE-API-KEY/);

    await page.getByLabel('Nom', { exact: true }).fill('Site Web');
    await page.getByLabel('Adresses IP autorisées').fill('127.0.0.1\n::1');
    await page.getByRole('button', { name: 'Créer la clé' }).click();
    await page.getByRole('heading', { name: /Votre nouvelle clé d’API/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/developers');
    const key = (await page.locator('#new-key').innerText()).trim();
    assert.match(key, /^[A-Za-z0-9]{32}$/);
    assert.equal(
      (await page.locator('#new-key-curl').innerText()).trim(),
      `curl -X POST -H "VUDUMOBILE-API-KEY: ${key}" -d "group=Tous" http://127.0.0.1:8080/api/get_contacts`,
    );
    assert.match(await page.locator('main').innerText(), /elle ne sera plus jamais affichée/);

    const called = await getContacts(server, key);
    assert.equal(called.status, 200);
    assert.equal((called.body as { status: boolean }).status, true);

    // Shown once: a reload does not show it again.
    await page.reload();
    assert.equal(await page.locator('#new-key').count(), 0);
    const row = page.getByRole('row', { name: /Site Web/ });
    const rowText = await row.innerText();
    assert.match(rowText, new RegExp(`${key.slice(0, 6)}\\*{5}${key.slice(-5)}`));
    assert.match(rowText, /127\.0\.0\.1/);
    assert.match(rowText, /::1/);
    assert.match(rowText, /Active/);

    await row.getByRole('button', { name: 'Révoquer' }).click();
    await page.waitForURL('**/developers?notice=keyRevoked');
    assert.equal(await page.getByRole('status').first().innerText(), 'La clé est révoquée.');
    assert.match(await page.getByRole('row', { name: /Site Web/ }).innerText(), /Révoquée le/);

    // The API's key cache (1 s) may answer once more; then the key is refused.
    let refused = await getContacts(server, key);
    for (let i = 0; i < 40 && refused.status !== 401; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      refused = await getContacts(server, key);
    }
    assert.deepEqual(refused, { status: 401, body: { status: false, error: 'Invalid API key' } });
  });

  test('a bad CIDR range is shown as an error, with the input kept, and changes nothing', async () => {
    const before = await accounts().listApiKeys(admin.accountId);
    await page.goto('/developers');
    await page.getByLabel('Nom', { exact: true }).fill('Mauvaise plage');
    await page.getByLabel('Adresses IP autorisées').fill('127.0.0.1\n10.0.0.0/33');
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Créer la clé' }).click(),
    ]);
    assert.equal(created.status(), 400);
    await page.locator('#f-allow-error').waitFor();
    assert.equal(
      await page.locator('#f-allow-error').innerText(),
      'Adresse IP ou plage CIDR invalide : 10.0.0.0/33',
    );
    assert.equal(await page.getByLabel('Adresses IP autorisées').inputValue(), '127.0.0.1\n10.0.0.0/33');
    assert.equal(await page.getByLabel('Nom', { exact: true }).inputValue(), 'Mauvaise plage');
    assert.deepEqual(await accounts().listApiKeys(admin.accountId), before);

    const { id } = await accounts().createAccountKey(admin.accountId, {
      name: 'Serveur',
      allowList: '127.0.0.1',
    });
    await page.goto('/developers');
    await page.getByRole('link', { name: 'Modifier la clé Serveur' }).click();
    await page.waitForURL(`**/developers/keys/${id}`);
    assert.equal(await page.getByLabel('Adresses IP autorisées').inputValue(), '127.0.0.1');
    await page.getByLabel('Nom', { exact: true }).fill('Serveur renommé');
    await page.getByLabel('Adresses IP autorisées').fill('2001:db8::/129\n198.51.100.0/24');
    const [edited] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Enregistrer' }).click(),
    ]);
    assert.equal(edited.status(), 400);
    await page.locator('#f-allow-error').waitFor();
    assert.equal(
      await page.locator('#f-allow-error').innerText(),
      'Adresse IP ou plage CIDR invalide : 2001:db8::/129',
    );
    const unchanged = await accounts().findAccountKey(admin.accountId, id);
    assert.deepEqual(unchanged && [unchanged.name, unchanged.allowedIps], ['Serveur', ['127.0.0.1']]);

    // Corrected, it is saved: renamed and its list replaced.
    await page.getByLabel('Adresses IP autorisées').fill('2001:db8::/32\n198.51.100.0/24');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL('**/developers?notice=keySaved');
    const saved = await accounts().findAccountKey(admin.accountId, id);
    assert.deepEqual(saved && [saved.name, saved.allowedIps], [
      'Serveur renommé',
      ['2001:db8::/32', '198.51.100.0/24'],
    ]);
    assert.match(await page.getByRole('row', { name: /Serveur renommé/ }).innerText(), /198\.51\.100\.0\/24/);
  });

  test('a webhook: its secret shown once, its deliveries, then deleted', async () => {
    await page.goto('/developers');
    await page.getByLabel('Adresse (URL)').fill('ftp://hooks.example.com/in');
    await page.getByRole('button', { name: 'Ajouter le webhook' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(
      await page.getByRole('alert').innerText(),
      'Adresse de webhook invalide (https:// ou http:// attendu).',
    );
    assert.equal(await page.getByLabel('Adresse (URL)').inputValue(), 'ftp://hooks.example.com/in');
    assert.deepEqual(await server.platform.ctx.webhooks.list(admin.accountId), []);

    await page.getByLabel('Adresse (URL)').fill('https://hooks.example.com/vudu');
    await page.getByLabel('États des messages envoyés (status)').uncheck();
    await page.getByLabel('Mots-clés reçus (keyword)').uncheck();
    await page.getByRole('button', { name: 'Ajouter le webhook' }).click();
    await page.getByRole('heading', { name: 'Secret de signature du webhook' }).waitFor();
    const secret = (await page.locator('#new-hook-secret').innerText()).trim();
    assert.match(secret, /^whsec_[\w-]{32}$/);
    const [hook] = await server.platform.ctx.webhooks.list(admin.accountId);
    assert.ok(hook);
    assert.deepEqual([hook.url, hook.events], ['https://hooks.example.com/vudu', ['mo']]);
    await page.reload();
    assert.equal(await page.locator('#new-hook-secret').count(), 0);
    assert.equal(
      await page
        .locator('main')
        .innerText()
        .then((text) => text.includes(secret)),
      false,
    );
    const row = page.getByRole('row', { name: /hooks\.example\.com\/vudu/ });
    assert.match(await row.innerText(), /Messages reçus \(mo\)/);

    // Two settled deliveries, as the webhook sender records them.
    const now = Date.now();
    await server.platform.store.db
      .insertInto('webhook_deliveries')
      .values([
        {
          webhook_id: hook.id,
          event: 'mo',
          payload: '{}',
          status: 'delivered',
          attempts: 1,
          next_attempt_at: now,
          created_at: now - 60_000,
          delivered_at: now - 59_000,
          http_status: 204,
        },
        {
          webhook_id: hook.id,
          event: 'mo',
          payload: '{}',
          status: 'failed',
          attempts: 3,
          next_attempt_at: now,
          created_at: now,
          last_error: 'HTTP 503 (after 3 attempts)',
          http_status: 503,
        },
      ])
      .execute();
    await row.getByRole('link', { name: 'Livraisons du webhook https://hooks.example.com/vudu' }).click();
    await page.waitForURL(`**/developers/webhooks/${hook.id}`);
    const deliveries = await page.locator('tbody tr').allInnerTexts();
    assert.equal(deliveries.length, 2);
    assert.match(deliveries[0] ?? '', /mo\s+Échec\s+503\s+HTTP 503 \(after 3 attempts\)\s+3/);
    assert.match(deliveries[1] ?? '', /mo\s+Livrée\s+204\s+1/);

    await page.getByRole('button', { name: 'Supprimer le webhook https://hooks.example.com/vudu' }).click();
    await page.waitForURL('**/developers?notice=hookDeleted');
    assert.equal(await page.getByRole('status').first().innerText(), 'Le webhook est supprimé.');
    assert.deepEqual(await server.platform.ctx.webhooks.list(admin.accountId), []);
    assert.match(await page.locator('main').innerText(), /Aucun webhook pour l’instant\./);
  });

  test('the page in English, with a working copy button', async () => {
    const english = await createUser(server, { role: 'admin', language: 'en' });
    const en = await signedInContext(browser, server, english);
    await en.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const enPage = await en.newPage();
    await enPage.goto('/developers');
    assert.equal(await enPage.getByRole('heading', { level: 1 }).innerText(), 'Developers');
    assert.equal(await enPage.getByRole('heading', { name: 'API keys' }).count(), 1);
    assert.equal(await enPage.getByRole('link', { name: 'API reference' }).getAttribute('href'), '/docs');
    await enPage.getByLabel('Name', { exact: true }).fill('Station');
    await enPage.getByLabel('Allowed IP addresses').fill('127.0.0.1 999.0.0.1');
    await enPage.getByRole('button', { name: 'Create the key' }).click();
    await enPage.locator('#f-allow-error').waitFor();
    assert.equal(
      await enPage.locator('#f-allow-error').innerText(),
      'Not an IP address or CIDR range: 999.0.0.1',
    );
    await enPage.getByLabel('Allowed IP addresses').fill('127.0.0.1');
    await enPage.getByRole('button', { name: 'Create the key' }).click();
    await enPage.getByRole('heading', { name: /Your new API key/ }).waitFor();
    assert.match(await enPage.locator('main').innerText(), /Copy it now: it will never be shown again\./);
    const key = (await enPage.locator('#new-key').innerText()).trim();
    await enPage.getByRole('button', { name: 'Copy the key' }).click();
    await enPage.getByRole('button', { name: 'Copied!' }).waitFor();
    assert.equal(await enPage.evaluate('navigator.clipboard.readText()'), key);
    assert.match(await enPage.getByRole('row', { name: /Station/ }).innerText(), /Active/);
    await en.close();
  });

  test('a member is refused the page and its actions (403)', async () => {
    const member = await createUser(server, { role: 'member', language: 'fr' });
    const memberContext = await signedInContext(browser, server, member);
    const memberPage = await memberContext.newPage();
    const response = await memberPage.goto('/developers');
    assert.equal(response?.status(), 403);
    assert.match(await memberPage.locator('main').innerText(), /Vous n’avez pas accès à cette page\./);
    assert.equal(await memberPage.getByRole('link', { name: 'Développeurs' }).count(), 0);
    const before = await accounts().listApiKeys(admin.accountId);
    const post = await memberPage.request.post('/developers/keys', {
      form: { _csrf: await csrfOf(memberPage), name: 'Intrus', allow: '0.0.0.0/0' },
    });
    assert.equal(post.status(), 403);
    assert.deepEqual(await accounts().listApiKeys(admin.accountId), before);
    await memberContext.close();
  });

  test('another account’s key and webhook ids answer 404 and change nothing', async () => {
    const other: TestAccount = await server.createAccount({ name: 'Autre radio' });
    const { id: keyId } = await accounts().createAccountKey(other.id, {
      name: 'Leur clé',
      allowList: '127.0.0.1',
    });
    const { webhook } = await server.platform.ctx.webhooks.create(other.id, {
      url: 'https://hooks.example.com/other',
      events: 'all',
    });
    await page.goto('/developers');
    const csrf = await csrfOf(page);
    const attempts: [string, string, Record<string, string>?][] = [
      ['GET', `/developers/keys/${keyId}`],
      ['POST', `/developers/keys/${keyId}`, { name: 'Volée', allow: '0.0.0.0/0' }],
      ['POST', `/developers/keys/${keyId}/revoke`, {}],
      ['GET', `/developers/webhooks/${webhook.id}`],
      ['POST', `/developers/webhooks/${webhook.id}/delete`, {}],
      ['GET', '/developers/keys/abc'],
      ['POST', '/developers/webhooks/9999999/delete', {}],
    ];
    for (const [method, path, form] of attempts) {
      const response =
        method === 'GET'
          ? await page.request.get(path)
          : await page.request.post(path, { form: { _csrf: csrf, ...form } });
      assert.equal(response.status(), 404, `${method} ${path}`);
      assert.match(await response.text(), /Cette clé ou ce webhook n’existe pas\./);
    }
    const theirs = await accounts().findAccountKey(other.id, keyId);
    assert.deepEqual(theirs && [theirs.name, theirs.allowedIps, theirs.revokedAt], [
      'Leur clé',
      ['127.0.0.1'],
      null,
    ]);
    assert.deepEqual(await server.platform.ctx.webhooks.list(other.id), [webhook]);
    assert.equal((await getContacts(server, other.key)).status, 200);
  });

  test('a POST without the CSRF token is refused (403) and changes nothing', async () => {
    const { id } = await accounts().createAccountKey(admin.accountId, { name: 'Protégée', allowList: '::1' });
    const { webhook } = await server.platform.ctx.webhooks.create(admin.accountId, {
      url: 'https://hooks.example.com/csrf',
      events: 'all',
    });
    const before = await accounts().listApiKeys(admin.accountId);
    for (const [path, form] of [
      [`/developers/keys/${id}/revoke`, {}],
      [`/developers/keys/${id}`, { name: 'Changée', allow: '0.0.0.0/0' }],
      ['/developers/keys', { name: 'Nouvelle', allow: '' }],
      [`/developers/webhooks/${webhook.id}/delete`, {}],
      ['/developers/webhooks', { url: 'https://hooks.example.com/x', events: 'mo' }],
    ] as const) {
      const response = await page.request.post(path, { form });
      assert.equal(response.status(), 403, path);
      assert.match(await response.text(), /Le formulaire a expiré/);
    }
    assert.deepEqual(await accounts().listApiKeys(admin.accountId), before);
    assert.deepEqual(
      (await server.platform.ctx.webhooks.list(admin.accountId)).map((h) => h.id),
      [webhook.id],
    );
  });
});
