import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { UserRole } from '../../src/domain/users/users.js';
import type { TestServer } from './server.js';

/**
 * Browser tests drive Debian's Chromium (`apt-get install chromium`) through playwright-core against the
 * real server. Where no Chromium is installed they are skipped, and scripts/run-tests.mjs says so once.
 */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const CHROMIUM_PATH = CANDIDATES.find((path): path is string => !!path && existsSync(path));

/** For `describe(name, { skip: browserSkip }, …)`: false when Chromium is here, else the reason. */
export const browserSkip: string | false = CHROMIUM_PATH ? false : 'Chromium is not installed';

export async function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM_PATH) throw new Error('Chromium is not installed');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Root in CI cannot use Chromium's sandbox; the pages are our own, on loopback.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

export interface TestUser {
  readonly id: number;
  readonly accountId: number;
  readonly email: string;
  readonly password: string;
}

let userCounter = 0;

/** A user with a password, made through the real invitation path of the users service. */
export async function createUser(
  server: TestServer,
  options: {
    accountId?: number;
    role?: UserRole;
    language?: 'fr' | 'en';
    email?: string;
    name?: string;
  } = {},
): Promise<TestUser> {
  const users = server.platform.ctx.users;
  const accountId = options.accountId ?? server.account.id;
  const email = options.email ?? `web${process.pid}-${++userCounter}@example.com`;
  const { user, token } = await users.invite(accountId, {
    email,
    name: options.name ?? `Person ${userCounter}`,
    role: options.role ?? 'admin',
    language: options.language ?? 'fr',
  });
  const password = `correct horse ${userCounter} battery`;
  await users.setPasswordWithToken(token, password);
  return { id: user.id, accountId, email, password };
}

/** A browser context (its own cookies) signed in as `user` through the sign-in form. */
export async function signedInContext(
  browser: Browser,
  server: TestServer,
  user: TestUser,
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await signIn(page, user);
  await page.close();
  return context;
}

export async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.goto('/sign-in');
  await page.locator('input[name=email]').fill(user.email);
  await page.locator('input[name=password]').fill(user.password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/sign-in')),
    page.locator('form[action="/sign-in"] button[type=submit]').click(),
  ]);
}

/** The CSRF token of the page open in `page` (every signed-in page has the sign-out form, which carries it). */
export async function csrfOf(page: Page): Promise<string> {
  return page.locator('input[name=_csrf]').first().inputValue();
}
