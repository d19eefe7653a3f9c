import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, createUser, launchBrowser, signedInContext } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The text of the contacts table's body (names, numbers, emails, tags), one row a line. */
const tableText = async (page: Page) =>
  (await page.locator('table tbody').count()) === 0 ? '' : page.locator('table tbody').innerText();

async function search(page: Page, label: string, text: string): Promise<void> {
  await page.goto('/contacts');
  await page.getByLabel(label, { exact: true }).fill(text);
  await Promise.all([
    page.waitForURL(/\/contacts\?/),
    page.getByLabel(label, { exact: true }).press('Enter'),
  ]);
}

describe('web: contacts and groups pages (Chromium)', { skip: browserSkip }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const user = await createUser(server, { role: 'member', language: 'fr' });
    context = await signedInContext(browser, server, user);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test('create, search, edit, block and delete a contact, with the API’s validation in French', async () => {
    const page = await context.newPage();
    await page.goto('/contacts/new');
    // A bad number is refused with the API's rule, in French, and what was typed stays.
    await page.getByLabel('Nom', { exact: true }).fill('Geneviève Ouellet');
    await page.getByLabel('Numéro de téléphone').fill('12');
    await page.getByRole('button', { name: 'Ajouter le contact' }).click();
    assert.equal(await page.getByRole('alert').innerText(), 'Numéro de téléphone invalide.');
    assert.equal(await page.getByLabel('Nom', { exact: true }).inputValue(), 'Geneviève Ouellet');

    await page.getByLabel('Numéro de téléphone').fill('514 555-0142');
    await page.getByLabel('Courriel').fill('G.Ouellet@Example.com');
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('button', { name: 'Ajouter le contact' }).click();
    await page.waitForURL(/\/contacts\/\d+\?notice=created$/);
    assert.equal(await page.getByRole('status').innerText(), 'Contact ajouté.');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Geneviève Ouellet');
    assert.match(
      await page.locator('dl.facts').innerText(),
      /15145550142[\s\S]*g\.ouellet@example\.com[\s\S]*Anglais/,
    );
    const contactUrl = new URL(page.url()).pathname;

    // The same number again is the API's duplicate error.
    await page.goto('/contacts/new');
    await page.getByLabel('Numéro de téléphone').fill('+1 (514) 555-0142');
    await page.getByRole('button', { name: 'Ajouter le contact' }).click();
    assert.equal(
      await page.getByRole('alert').innerText(),
      'Un autre contact a déjà ce numéro de téléphone.',
    );

    await server.platform.ctx.addressBook.saveContact(
      { id: server.account.id, defaultLanguage: 'fr', defaultCountry: 'CA' },
      { name: 'Jean Tremblay', number: '514 555-0143' },
    );
    for (const typed of ['genevieve', 'OUELL', '514-555-0142', '1 514 555 01', 'g.ouellet@']) {
      await search(page, 'Rechercher', typed);
      const rows = await tableText(page);
      assert.match(rows, /Geneviève Ouellet/, `"${typed}" finds her`);
      if (typed !== '1 514 555 01') assert.doesNotMatch(rows, /Jean Tremblay/, `"${typed}" finds only her`);
    }
    await search(page, 'Rechercher', 'tremblay');
    assert.doesNotMatch(await tableText(page), /Geneviève/);
    assert.match(await page.locator('#searched-by').innerText(), /Recherche par nom : tremblay/);

    await page.goto(contactUrl);
    await page.getByLabel('Nom', { exact: true }).fill('Geneviève Ouellet-Roy');
    // Jean Tremblay's number: the API's duplicate rule, and what was typed stays in the form.
    await page.getByLabel('Numéro de téléphone').fill('514 555-0143');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    assert.equal(
      await page.getByRole('alert').innerText(),
      'Un autre contact a déjà ce numéro de téléphone.',
    );
    assert.equal(
      await page.getByLabel('Numéro de téléphone').inputValue(),
      '514 555-0143',
      'the input is kept',
    );
    assert.equal(await page.getByLabel('Nom', { exact: true }).inputValue(), 'Geneviève Ouellet-Roy');
    await page.getByLabel('Numéro de téléphone').fill('514 555-0142');
    await page.getByLabel('Courriel').fill('genevieve@example.com');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.waitForURL(/notice=saved$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Geneviève Ouellet-Roy');
    await search(page, 'Rechercher', 'roy');
    assert.match(await tableText(page), /Geneviève Ouellet-Roy/);

    await page.goto(contactUrl);
    await page.getByRole('button', { name: 'Bloquer' }).click();
    await page.waitForURL(/notice=blocked$/);
    assert.match(await page.getByRole('status').first().innerText(), /Contact bloqué/);
    assert.match(
      await page.locator('main').innerText(),
      /Ce contact est bloqué : aucun message ne lui est envoyé/,
    );
    await page.goto('/contacts?blocked=yes');
    assert.match(await tableText(page), /Geneviève Ouellet-Roy\s+15145550142[\s\S]*Bloqué/);
    assert.doesNotMatch(await tableText(page), /Jean Tremblay/);
    await page.goto(contactUrl);
    await page.getByRole('button', { name: 'Débloquer' }).click();
    await page.waitForURL(/notice=unblocked$/);
    await page.goto('/contacts?blocked=yes');
    assert.equal(await tableText(page), '');
    assert.match(await page.locator('main').innerText(), /Aucun contact ne correspond/);

    await page.goto(contactUrl);
    let question = '';
    page.once('dialog', (dialog) => {
      question = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Supprimer le contact' }).click();
    await page.waitForURL(/\/contacts\?notice=deleted$/);
    assert.match(question, /Supprimer ce contact définitivement/);
    assert.equal(await page.getByRole('status').innerText(), 'Contact supprimé.');
    await search(page, 'Rechercher', 'genevieve');
    assert.equal(await tableText(page), '');
    const gone = await page.goto(contactUrl);
    assert.equal(gone?.status(), 404);
    await page.close();
  });

  test('group membership: create, add two from the list at once, counts, remove one, rename, delete', async () => {
    const scope = { id: server.account.id, defaultLanguage: 'fr', defaultCountry: 'CA' };
    const book = server.platform.ctx.addressBook;
    for (const [name, number] of [
      ['Alice Bénévole', '514 555-0201'],
      ['Bruno Bénévole', '514 555-0202'],
      ['Carole Auditrice', '514 555-0203'],
    ]) {
      await book.saveContact(scope, { name, number });
    }
    const page = await context.newPage();
    await page.goto('/groups');
    await page.getByLabel('Nom du groupe').fill('Bénévoles');
    await page.getByRole('button', { name: 'Créer le groupe' }).click();
    await page.waitForURL(/notice=created$/);
    // The same name again (any case) is the API's error, shown on the form.
    await page.getByLabel('Nom du groupe').fill('BÉNÉVOLES');
    await page.getByRole('button', { name: 'Créer le groupe' }).click();
    assert.equal(await page.getByRole('alert').innerText(), 'Un groupe porte déjà ce nom.');

    await search(page, 'Rechercher', 'bénévole');
    await page.getByLabel('Sélectionner Alice Bénévole').check();
    await page.getByLabel('Sélectionner Bruno Bénévole').check();
    await page.getByLabel('Groupe', { exact: true }).last().selectOption({ label: 'Bénévoles' });
    await page.getByRole('button', { name: 'Ajouter au groupe' }).click();
    await page.waitForURL(/notice=bulkDone/);
    assert.equal(await page.getByRole('status').innerText(), 'Les contacts sélectionnés ont été mis à jour.');
    assert.equal(await page.getByLabel('Rechercher').inputValue(), 'bénévole', 'back on the same search');

    const countOf = async (name: string) => {
      await page.goto('/groups');
      return page
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name }) })
        .locator('td')
        .first()
        .innerText();
    };
    assert.equal(await countOf('Bénévoles'), '2');
    const contacts = (await book.listContacts(scope, {})).contacts.length;
    assert.equal(await countOf('Tous Groupe du système'), String(contacts));

    await page.getByRole('link', { name: 'Bénévoles' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Membres du groupe Bénévoles');
    assert.match(await tableText(page), /Alice Bénévole[\s\S]*Bruno Bénévole/);
    await page.getByRole('button', { name: 'Retirer Alice Bénévole du groupe' }).click();
    await page.waitForURL(/notice=removed$/);
    assert.doesNotMatch(await tableText(page), /Alice/);
    assert.equal(await countOf('Bénévoles'), '1');

    await page.getByLabel('Nouveau nom de Bénévoles').fill('Équipe du radiothon');
    await page.getByRole('button', { name: 'Renommer' }).click();
    await page.waitForURL(/notice=renamed$/);
    assert.equal(await countOf('Équipe du radiothon'), '1');

    // The filter of the list by group.
    const groupId = (await book.listGroupSummaries(scope.id)).find(
      (g) => g.name === 'Équipe du radiothon',
    )?.id;
    await page.goto(`/contacts?group=${groupId}`);
    assert.match(await tableText(page), /Bruno Bénévole/);
    assert.doesNotMatch(await tableText(page), /Alice|Carole/);

    await page.goto('/groups');
    page.once('dialog', (dialog) => void dialog.accept());
    await page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'Équipe du radiothon' }) })
      .getByRole('button', { name: 'Supprimer le groupe' })
      .click();
    await page.waitForURL(/notice=deleted$/);
    assert.equal(await page.getByRole('status').innerText(), 'Groupe supprimé. Ses contacts sont conservés.');
    assert.equal(await page.getByRole('rowheader', { name: 'Équipe du radiothon' }).count(), 0);
    assert.ok(await book.getContact(scope, { number: '514 555-0202' }), 'its contacts are kept');

    // The system groups offer no delete button, and a forged delete is the API's refusal.
    const tous = await page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^Tous/ }) });
    assert.equal(await tous.getByRole('button').count(), 0);
    const tousId = (await book.listGroupSummaries(scope.id)).find((g) => g.systemKind === 'all')?.id;
    const csrf = await page.locator('input[name=_csrf]').first().getAttribute('value');
    const forged = await page.request.post(`/groups/${tousId}/delete`, { form: { _csrf: csrf ?? '' } });
    assert.equal(forged.status(), 400);
    assert.match(await forged.text(), /Les groupes du système ne peuvent pas être supprimés/);
    assert.equal((await book.listGroupSummaries(scope.id)).filter((g) => g.systemKind !== null).length, 2);
    await page.close();
  });

  test('the contacts page in French and in English', async () => {
    const english = await createUser(server, { role: 'member', language: 'en' });
    const en = await signedInContext(browser, server, english);
    const page = await en.newPage();
    await page.goto('/contacts');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en-CA');
    assert.equal(await page.getByRole('link', { name: 'Add a contact' }).count(), 1);
    assert.deepEqual(await page.locator('thead th').allInnerTexts(), [
      '',
      'Name',
      'Phone number',
      'Email',
      'Language',
      'Status',
    ]);
    assert.equal(await page.getByLabel('Search', { exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Block', exact: true }).count(), 1);
    await page.close();
    await en.close();

    const fr = await context.newPage();
    await fr.goto('/contacts');
    assert.equal(await fr.locator('html').getAttribute('lang'), 'fr-CA');
    assert.equal(await fr.getByRole('link', { name: 'Ajouter un contact' }).count(), 1);
    assert.deepEqual(await fr.locator('thead th').allInnerTexts(), [
      '',
      'Nom',
      'Numéro de téléphone',
      'Courriel',
      'Langue',
      'État',
    ]);
    assert.equal(await fr.getByRole('button', { name: 'Bloquer', exact: true }).count(), 1);
    assert.match(await fr.locator('.hint').first().innerText(), /numéro de téléphone/);
    await fr.close();
  });
});
