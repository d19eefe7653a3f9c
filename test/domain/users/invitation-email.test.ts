import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UsersService } from '../../../src/domain/users/users-service.js';
import { Argon2Hasher } from '../../../src/security/argon2-hasher.js';
import { createAccount } from '../../../src/store/accounts/accounts-repo.js';
import type { Store } from '../../../src/store/database.js';
import { KyselyUsersStore } from '../../../src/store/users/kysely-users-store.js';
import { tempStore } from '../../helpers/store.js';

const T0 = Date.UTC(2026, 11, 2, 14, 0, 0);

describe('UsersService: the invitation email', () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let users: UsersService;
  let accountId: number;
  let wakes = 0;
  before(async () => {
    temp = await tempStore();
    store = temp.store;
    accountId = await createAccount(
      store.db,
      { name: 'CKOI 98,5', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [] },
      T0,
    );
    users = new UsersService({
      store: new KyselyUsersStore(store),
      hasher: new Argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
      now: () => T0,
      publicUrl: 'https://sms.example.com',
      mailFrom: 'no-reply@example.com',
      onEmailQueued: () => wakes++,
    });
  });
  after(() => temp.close());

  const emailsTo = (to: string) =>
    store.db
      .selectFrom('emails')
      .select(['account_id', 'kind', 'from_address', 'subject', 'body', 'format', 'status'])
      .where('to_address', '=', to)
      .orderBy('id')
      .execute();

  it('queues the link in the invited person’s language, naming who invited them', async () => {
    const { token } = await users.invite(
      accountId,
      { email: 'Lea@Example.com', name: 'Léa Côté', language: 'fr' },
      { notify: { invitedBy: 'Martine Gagnon' } },
    );
    const { token: enToken } = await users.invite(
      accountId,
      { email: 'john@example.com', language: 'en' },
      { notify: { invitedBy: 'Martine Gagnon' } },
    );
    assert.equal(wakes, 2);
    assert.deepEqual(await emailsTo('lea@example.com'), [
      {
        account_id: accountId,
        kind: 'invitation',
        from_address: 'no-reply@example.com',
        subject: 'Invitation au compte VuduMobile « CKOI 98,5 »',
        body: [
          'Bonjour Léa Côté,',
          '',
          'Martine Gagnon vous invite à utiliser la plateforme VuduMobile du compte « CKOI 98,5 ».',
          '',
          "Pour choisir votre mot de passe, ouvrez ce lien d'ici 7 jours :",
          `https://sms.example.com/invitation/${token}`,
          '',
          'Vous vous connecterez ensuite avec votre courriel, lea@example.com.',
          "Ce lien ne fonctionne qu'une seule fois. Si vous ne vous attendiez pas à cette invitation, ignorez ce courriel.",
        ].join('\n'),
        format: 'text',
        status: 'queued',
      },
    ]);
    const [english] = await emailsTo('john@example.com');
    assert.equal(english?.subject, 'Invitation to the VuduMobile account “CKOI 98,5”');
    assert.match(english?.body ?? '', /^Hello john@example\.com,\n/);
    assert.ok(english?.body.includes(`\nhttps://sms.example.com/invitation/${enToken}\n`));
  });

  it('sends nothing without `notify` (the CLI prints the link), and a new invitation mails the new link', async () => {
    const first = await users.invite(accountId, { email: 'quiet@example.com' });
    assert.deepEqual(await emailsTo('quiet@example.com'), []);
    const again = await users.invite(
      accountId,
      { email: 'quiet@example.com' },
      { notify: { invitedBy: '' } },
    );
    const [mail] = await emailsTo('quiet@example.com');
    assert.match(mail?.body ?? '', /Vous êtes invité à utiliser/);
    assert.ok(mail?.body.includes(again.token));
    assert.equal(await users.inspectToken(first.token), undefined, 'the earlier link stopped working');
  });
});
