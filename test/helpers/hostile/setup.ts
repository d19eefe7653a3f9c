import fc from 'fast-check';
import { SESSION_COOKIE } from '../../../src/web/respond.js';
import { createUser } from '../browser.js';
import { WebClient } from '../web-client.js';
import { allEndpoints } from '../../../src/http/routes/index.js';
import { startTestServer, type TestAccount, type TestServer } from '../server.js';
import { snapshotAccount } from './account-snapshot.js';
import { populateAccount } from './fixtures.js';
import { hostileRequests, type HostileRequest } from './requests.js';
import { hostileWebRequests, type WebSession } from './web-requests.js';

/** A server ready for the campaign: the attacking account, the other one, both with data. */
export interface CampaignTarget {
  readonly server: TestServer;
  /** The account whose data the campaign must not touch. */
  readonly other: TestAccount;
  /**
   * Requests of every endpoint of `allEndpoints` sent as the server's first account, and one in ten
   * a form post of the web platform as that account's signed-in admin.
   */
  readonly generator: fc.Arbitrary<HostileRequest>;
  /** The other account's rows as sorted JSON, now. */
  snapshotOther(): Promise<string>;
}

export async function startCampaignTarget(): Promise<CampaignTarget> {
  // No SMS or email dispatcher: the other account's queued message and email stay as they are.
  const server = await startTestServer({ holdOutbound: true });
  try {
    const other = await server.createAccount({ senders: ['15149549999'] });
    const own = await populateAccount(server, server.account, '15149541234', '10');
    const foreign = await populateAccount(server, other, '15149549999', '20');
    const endpoints = allEndpoints(server.platform.ctx);
    const session = await signIn(server);
    return {
      server,
      other,
      generator: fc.oneof(
        { arbitrary: hostileRequests(endpoints, server.account.key, own, foreign), weight: 9 },
        { arbitrary: hostileWebRequests(session, own, foreign), weight: 1 },
      ),
      snapshotOther: () => snapshotAccount(server.platform.store.db, other.id),
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** An admin of the first account, signed in through the sign-in form: its session and CSRF token. */
async function signIn(server: TestServer): Promise<WebSession> {
  const user = await createUser(server);
  const client = new WebClient(server.url);
  const response = await client.signIn(user);
  const sessionToken = client.cookie(SESSION_COOKIE);
  if (response.status !== 303 || !sessionToken || !client.csrf) {
    throw new Error(`sign-in for the campaign: ${response.status}`);
  }
  return { sessionToken, csrf: client.csrf };
}
