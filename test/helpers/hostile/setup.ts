import type fc from 'fast-check';
import { allEndpoints } from '../../../src/http/routes/index.js';
import { startTestServer, type TestAccount, type TestServer } from '../server.js';
import { snapshotAccount } from './account-snapshot.js';
import { populateAccount } from './fixtures.js';
import { hostileRequests, type HostileRequest } from './requests.js';

/** A server ready for the campaign: the attacking account, the other one, both with data. */
export interface CampaignTarget {
  readonly server: TestServer;
  /** The account whose data the campaign must not touch. */
  readonly other: TestAccount;
  /** Requests of every endpoint of `allEndpoints`, sent as the server's first account. */
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
    return {
      server,
      other,
      generator: hostileRequests(endpoints, server.account.key, own, foreign),
      snapshotOther: () => snapshotAccount(server.platform.store.db, other.id),
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
