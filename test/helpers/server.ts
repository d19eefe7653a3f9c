import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readConfig, type Config } from '../../src/config.js';
import { generateApiKey, hashApiKey, maskApiKey } from '../../src/domain/accounts/api-keys.js';
import { createPlatform, type Platform, type PlatformOptions } from '../../src/main.js';
import type { NewAccount } from '../../src/domain/accounts/accounts.js';
import { createAccount } from '../../src/store/accounts/accounts-repo.js';
import { insertApiKey } from '../../src/store/accounts/keys-repo.js';
import { insertUser } from '../../src/store/users/users-repo.js';
import { testUser } from './users.js';
import { createTestDatabase } from './database.js';

export interface TestAccount {
  id: number;
  key: string;
  userEmail: string;
}

export interface TestServer {
  url: string;
  dir: string;
  platform: Platform;
  /** The first account, its loopback key and its user. */
  account: TestAccount;
  /** Calls /api/<endpoint> with form parameters and the first account's key (unless overridden). */
  call(endpoint: string, params?: Record<string, string>, options?: CallOptions): Promise<ApiResponse>;
  createAccount(overrides?: Partial<NewAccount> & { allow?: string[] }): Promise<TestAccount>;
  close(): Promise<void>;
}

export interface CallOptions {
  key?: string | null;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests compare exact JSON; `unknown` would force a cast on every assertion.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface TestServerOptions extends Partial<PlatformOptions> {
  config?: Partial<Config>;
  env?: Record<string, string>;
}

/** Numbers of the accounts tests create: unique on the platform, as sender numbers must be. */
let accountSequence = 1;

/** Starts the real platform on a temporary SQLite file and a free loopback port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'vudumobile-test-'));
  const database = await createTestDatabase(dir);
  const config = readConfig(
    { DATABASE_URL: database.url, ...options.env },
    { port: 0, host: '127.0.0.1', dataDir: dir, publicUrl: 'http://127.0.0.1:8080', ...options.config },
  );
  const platform = await createPlatform(config, {
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...options,
  });
  const url = await platform.start();
  if (url === undefined) throw new Error('the test server must listen (role api or all)');
  const makeAccount = async (
    overrides: Partial<NewAccount> & { allow?: string[] } = {},
  ): Promise<TestAccount> => {
    const now = Date.now();
    const id = await createAccount(
      platform.store.db,
      {
        name: overrides.name ?? 'Test',
        defaultLanguage: overrides.defaultLanguage ?? 'fr',
        defaultCountry: overrides.defaultCountry ?? 'CA',
        mailFrom: overrides.mailFrom ?? 'radio@example.com',
        // Every account sends from a number of its own (an account without one can send no SMS);
        // a test that needs none passes `senders: []`.
        senders: overrides.senders ?? [`1438555${String(accountSequence++).padStart(4, '0')}`],
      },
      now,
    );
    const key = generateApiKey();
    await insertApiKey(
      platform.store.db,
      {
        accountId: id,
        keyHash: hashApiKey(key),
        masked: maskApiKey(key),
        allowedIps: overrides.allow ?? ['127.0.0.1', '::1'],
      },
      now,
    );
    const userEmail = `user${id}@example.com`;
    await insertUser(platform.store.db, testUser(id, userEmail), now);
    return { id, key, userEmail };
  };
  const account = await makeAccount({ senders: ['15149541234'] });
  return {
    url,
    dir,
    platform,
    account,
    createAccount: makeAccount,
    async call(endpoint, params = {}, callOptions = {}) {
      const key = callOptions.key === undefined ? account.key : callOptions.key;
      const headers: Record<string, string> = { ...callOptions.headers };
      if (key !== null) headers['VUDUMOBILE-API-KEY'] = key;
      const form = new URLSearchParams(params).toString();
      const method = callOptions.method ?? 'POST';
      const response = await fetch(
        method === 'GET' ? `${url}/api/${endpoint}${form ? `?${form}` : ''}` : `${url}/api/${endpoint}`,
        method === 'GET'
          ? { headers }
          : {
              method,
              headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
              body: form,
            },
      );
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    async close() {
      await platform.stop();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
