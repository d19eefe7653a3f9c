import { uploadCsv, waitForImport } from '../imports.js';
import type { TestAccount, TestServer } from '../server.js';
import type { AccountFixtures } from './requests.js';

/**
 * Gives an account data of every kind through the API, as its own client would: contacts (one with
 * an email), a group, a draft broadcast, an SMS and an email (held: the campaign's server runs no
 * SMS or email dispatcher), a webhook and a finished import. Answers what the campaign needs.
 */
export async function populateAccount(
  server: TestServer,
  account: TestAccount,
  sender: string,
  prefix: string,
): Promise<AccountFixtures> {
  const call = async (endpoint: string, params: Record<string, string>) => {
    const response = await server.call(endpoint, params, { key: account.key });
    if (response.status !== 200) {
      throw new Error(
        `${endpoint} for the campaign's fixtures: ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  };
  const numbers = [`1514555${prefix}01`, `1514555${prefix}02`];
  const emails = [`ann.${prefix}@example.com`];
  const contactIds: string[] = [];
  const addContact = async (params: Record<string, string>) =>
    contactIds.push(String((await call('post_contact', params)).contact[0].id));
  await addContact({ number: numbers[0] ?? '', name: `Ann ${prefix}`, email: emails[0] ?? '' });
  await addContact({ number: numbers[1] ?? '', name: `Bob ${prefix}` });
  const groupName = `Team ${prefix}`;
  const group = (await call('post_group', { group_name: groupName })).group;
  await call('add_group_contact', { group: String(group.id), contact: contactIds[0] ?? '' });
  const broadcast = await call('post_broadcast', {
    name: `Promo ${prefix}`,
    from_groups: groupName,
    fr_message: 'Bonjour',
  });
  const sent = await call('send', { to: numbers[1] ?? '', message: `Hello from ${prefix}`, from: sender });
  await call('send_email', { to: emails[0] ?? '', subject: 'Hi', message: 'Hello', format: 'text' });
  const webhook = await call('post_webhook', {
    url: `https://hooks.example.test/${prefix}`,
    events: 'mo,status',
  });
  const upload = await uploadCsv(
    { url: server.url, key: account.key },
    `number,name\r\n1514555${prefix}03,Cy ${prefix}\r\n`,
    { email: account.userEmail },
  );
  if (upload.status !== 200)
    throw new Error(`import for the campaign's fixtures: ${JSON.stringify(upload.body)}`);
  await waitForImport({ url: server.url, key: account.key }, upload.body.import_id);
  const groups = (await call('get_groups', {})).groups as { id: number | string; group_name: string }[];
  return {
    contactIds,
    numbers: [...numbers, `1514555${prefix}03`],
    emails,
    groupIds: groups.map((g) => String(g.id)),
    groupNames: groups.map((g) => g.group_name),
    broadcastIds: [String(broadcast.broadcast.id)],
    importIds: [String(upload.body.import_id)],
    webhookIds: [String(webhook.webhook.id)],
    messageIds: [String(sent.msg_id)],
    userEmail: account.userEmail,
    senders: [sender],
  };
}
