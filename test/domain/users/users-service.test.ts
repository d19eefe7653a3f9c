import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { DomainError, type ErrorId } from '../../../src/domain/errors.js';
import { UsersService, type UsersServiceDeps } from '../../../src/domain/users/users-service.js';
import {
  INVITATION_TTL_MS,
  RESET_EMAILS_PER_HOUR,
  RESET_TTL_MS,
  SESSION_IDLE_MS,
  SESSION_MAX_AGE_MS,
  SIGN_IN_THROTTLE,
  type User,
} from '../../../src/domain/users/users.js';
import { Argon2Hasher } from '../../../src/security/argon2-hasher.js';
import { createAccount } from '../../../src/store/accounts/accounts-repo.js';
import type { Store } from '../../../src/store/database.js';
import { KyselyUsersStore } from '../../../src/store/users/kysely-users-store.js';
import { tempStore } from '../../helpers/store.js';

const T0 = Date.UTC(2026, 11, 2, 14, 0, 0);
const PUBLIC_URL = 'https://sms.example.com';
const PASSWORD = 'correct horse battery';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Real argon2id, with a small memory cost so the many sign-ins of these tests stay quick. */
const hasher = new Argon2Hasher({ memoryCost: 1024, timeCost: 1 });

async function rejectsWith(promise: Promise<unknown>, id: ErrorId, message?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.id, id);
    if (message !== undefined) assert.equal(error.message, message);
    return true;
  });
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const tokenOf = (link: string): string => link.slice(link.lastIndexOf('/') + 1);

describe('UsersService on the real store', () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let clock = T0;
  let wakes = 0;
  let accountSeq = 0;

  const service = (overrides: Partial<UsersServiceDeps> = {}): UsersService =>
    new UsersService({
      store: new KyselyUsersStore(store),
      hasher,
      now: () => clock,
      publicUrl: PUBLIC_URL,
      mailFrom: 'no-reply@example.com',
      onEmailQueued: () => wakes++,
      ...overrides,
    });

  /** A fresh account (each test its own, so counts and admins do not mix). */
  async function newAccount(name = `Radio ${++accountSeq}`): Promise<number> {
    return createAccount(
      store.db,
      { name, defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [] },
      clock,
    );
  }

  /** An invited user who followed the link: has PASSWORD. */
  async function activeUser(
    users: UsersService,
    accountId: number,
    email: string,
    extra: { role?: 'admin' | 'member'; language?: 'fr' | 'en'; name?: string } = {},
  ): Promise<User> {
    const { token } = await users.invite(accountId, { email, ...extra });
    return users.setPasswordWithToken(token, PASSWORD);
  }

  before(async () => {
    temp = await tempStore();
    store = temp.store;
  });
  after(() => temp.close());

  it('invitation → set password → sign in → authenticate → sign out → gone', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    const { user, token } = await users.invite(accountId, {
      email: ' Ann@Example.COM ',
      name: 'Ann Tremblay',
      role: 'admin',
      language: 'en',
      timeZone: 'america/vancouver',
    });
    assert.deepEqual(user, {
      id: user.id,
      accountId,
      email: 'ann@example.com',
      name: 'Ann Tremblay',
      role: 'admin',
      language: 'en',
      timeZone: 'America/Vancouver',
      hasPassword: false,
      createdAt: T0,
    });
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(users.invitationUrl(token), `${PUBLIC_URL}/invitation/${token}`);
    assert.equal(users.resetUrl(token), `${PUBLIC_URL}/password/reset/${token}`);
    assert.deepEqual(await users.inspectToken(token), {
      kind: 'invite',
      user,
      expiresAt: T0 + INVITATION_TTL_MS,
    });

    clock += MINUTE;
    const activated = await users.setPasswordWithToken(token, PASSWORD);
    assert.deepEqual(activated, { ...user, hasPassword: true });

    clock += MINUTE;
    const signedIn = await users.signIn('ANN@example.com', PASSWORD, '203.0.113.7');
    assert.match(signedIn.token, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(signedIn.session, {
      id: signedIn.session.id,
      user: activated,
      createdAt: clock,
      expiresAt: clock + SESSION_MAX_AGE_MS,
    });
    assert.deepEqual(await users.authenticate(signedIn.token), signedIn.session);

    await users.signOut(signedIn.token);
    assert.equal(await users.authenticate(signedIn.token), undefined);
    const left = await store.db
      .selectFrom('web_sessions')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    assert.deepEqual(left, []);
  });

  it('stores only hashes: SHA-256 of the tokens, argon2id of the password, never the plaintext', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    const { user, token } = await users.invite(accountId, { email: 'hash@example.com' });
    const [tokenRow] = await store.db
      .selectFrom('user_tokens')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(tokenRow?.token_hash, sha256(token));
    await users.setPasswordWithToken(token, PASSWORD);
    const { token: session } = await users.signIn('hash@example.com', PASSWORD, '203.0.113.8');
    const row = await store.db
      .selectFrom('users')
      .select(['password_hash', 'password_changed_at'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.match(row.password_hash ?? '', /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    assert.equal(row.password_changed_at, T0);
    const sessionRow = await store.db
      .selectFrom('web_sessions')
      .select('token_hash')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(sessionRow.token_hash, sha256(session));
    // Nowhere in these tables does the password or a token appear as it was given.
    for (const table of ['users', 'user_tokens', 'web_sessions'] as const) {
      const dump = JSON.stringify(await store.db.selectFrom(table).selectAll().execute());
      assert.ok(!dump.includes(PASSWORD), `${table} holds the password`);
      assert.ok(!dump.includes(token) && !dump.includes(session), `${table} holds a token`);
    }
  });

  it('spends a link once, refuses it after expiry, and a new invitation replaces the old link', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    const first = await users.invite(accountId, { email: 'once@example.com' });
    const second = await users.invite(accountId, { email: 'once@example.com' });
    assert.equal(second.user.id, first.user.id);
    assert.equal(await users.inspectToken(first.token), undefined);
    await rejectsWith(
      users.setPasswordWithToken(first.token, PASSWORD),
      'invalid_token',
      'This link is invalid or has expired.',
    );

    await users.setPasswordWithToken(second.token, PASSWORD);
    assert.equal(await users.inspectToken(second.token), undefined);
    await rejectsWith(users.setPasswordWithToken(second.token, 'another password'), 'invalid_token');
    await rejectsWith(users.invite(accountId, { email: 'ONCE@example.com' }), 'user_exists');

    const late = await users.invite(accountId, { email: 'late@example.com' });
    clock = T0 + INVITATION_TTL_MS - 1;
    assert.ok(await users.inspectToken(late.token));
    clock = T0 + INVITATION_TTL_MS;
    assert.equal(await users.inspectToken(late.token), undefined);
    await rejectsWith(users.setPasswordWithToken(late.token, PASSWORD), 'invalid_token');
    for (const junk of ['', 'x', `${late.token}x`, "'; drop table users; --"]) {
      assert.equal(await users.inspectToken(junk), undefined);
      await rejectsWith(users.setPasswordWithToken(junk, PASSWORD), 'invalid_token');
    }
  });

  it('refuses two concurrent uses of one link: exactly one sets the password', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    const { token } = await users.invite(accountId, { email: 'race@example.com' });
    const results = await Promise.allSettled([
      users.setPasswordWithToken(token, 'first password!'),
      users.setPasswordWithToken(token, 'second password'),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  });

  it('applies the password rules before spending the link', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    const { token } = await users.invite(accountId, { email: 'rules@example.com' });
    await rejectsWith(
      users.setPasswordWithToken(token, '123456789'),
      'password_too_short',
      'The password must be at least 10 characters long.',
    );
    await rejectsWith(
      users.setPasswordWithToken(token, 'x'.repeat(201)),
      'password_too_long',
      'The password must be at most 200 characters long.',
    );
    // Ten characters as a person counts them, though more UTF-16 units.
    await users.setPasswordWithToken(token, 'éàç🙂🙂🙂🙂🙂🙂🙂');
    await users.signIn('rules@example.com', 'éàç🙂🙂🙂🙂🙂🙂🙂', '198.51.100.1');
  });

  it('answers one generic error for a wrong password, an unknown email and a user not yet activated', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    await activeUser(users, accountId, 'known@example.com');
    await users.invite(accountId, { email: 'pending@example.com' });
    for (const [email, password] of [
      ['known@example.com', 'wrong password'],
      ['nobody@example.com', PASSWORD],
      ['pending@example.com', PASSWORD],
      ['not an email', PASSWORD],
    ]) {
      await rejectsWith(
        users.signIn(email ?? '', password ?? '', '198.51.100.2'),
        'sign_in_failed',
        'Incorrect email or password.',
      );
    }
  });

  it('signs into the account whose password matches when two accounts share an email', async () => {
    clock = T0;
    const users = service();
    const first = await newAccount('CKOI');
    const second = await newAccount('Rythme');
    const { token: a } = await users.invite(first, { email: 'shared@example.com' });
    await users.setPasswordWithToken(a, 'password of CKOI');
    const { token: b } = await users.invite(second, { email: 'shared@example.com' });
    await users.setPasswordWithToken(b, 'password of Rythme');
    const inFirst = await users.signIn('shared@example.com', 'password of CKOI', '198.51.100.3');
    const inSecond = await users.signIn('shared@example.com', 'password of Rythme', '198.51.100.3');
    assert.equal(inFirst.session.user.accountId, first);
    assert.equal(inSecond.session.user.accountId, second);
  });

  it('throttles by client address, across processes, until the window slides by', async () => {
    clock = T0;
    const users = service();
    // A second process on the same database: it sees the failures the first recorded.
    const otherProcess = service();
    const accountId = await newAccount();
    await activeUser(users, accountId, 'victim@example.com');
    const address = '192.0.2.50';
    for (let i = 0; i < SIGN_IN_THROTTLE.maxPerAddress; i++) {
      // A different email each time: only the address's count reaches its limit.
      await rejectsWith(
        (i % 2 ? users : otherProcess).signIn(`guess${i}@example.com`, 'nope nope nope', address),
        'sign_in_failed',
      );
    }
    await rejectsWith(
      otherProcess.signIn('victim@example.com', PASSWORD, address),
      'sign_in_throttled',
      'Too many failed sign-in attempts. Try again in a few minutes.',
    );
    // Another address is not held up, nor is the account.
    await users.signIn('victim@example.com', PASSWORD, '192.0.2.51');
    clock = T0 + SIGN_IN_THROTTLE.windowMs + 1;
    await users.signIn('victim@example.com', PASSWORD, address);
  });

  it('throttles by account (the email typed, known or not), from any address', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    await activeUser(users, accountId, 'target@example.com');
    for (let i = 0; i < SIGN_IN_THROTTLE.maxPerAccount; i++) {
      await rejectsWith(
        users.signIn('Target@Example.com', `wrong ${i} password`, `10.1.0.${i}`),
        'sign_in_failed',
      );
    }
    await rejectsWith(users.signIn('target@example.com', PASSWORD, '10.2.0.1'), 'sign_in_throttled');
    // An unknown email is throttled just the same: the throttle does not reveal which emails exist.
    for (let i = 0; i < SIGN_IN_THROTTLE.maxPerAccount; i++) {
      await rejectsWith(
        users.signIn('ghost@example.com', 'whatever you say', `10.3.0.${i}`),
        'sign_in_failed',
      );
    }
    await rejectsWith(users.signIn('ghost@example.com', 'whatever you say', '10.4.0.1'), 'sign_in_throttled');
    clock = T0 + SIGN_IN_THROTTLE.windowMs - 1;
    await rejectsWith(users.signIn('target@example.com', PASSWORD, '10.2.0.1'), 'sign_in_throttled');
    clock = T0 + SIGN_IN_THROTTLE.windowMs + 1;
    await users.signIn('target@example.com', PASSWORD, '10.2.0.1');
  });

  it('counts IPv6 clients per /64 and IPv4-mapped addresses as IPv4', async () => {
    clock = T0;
    const users = service({ throttle: { windowMs: HOUR, maxPerAddress: 2, maxPerAccount: 100 } });
    await rejectsWith(users.signIn('a@example.com', 'wrong password', '2001:db8:1:2::1'), 'sign_in_failed');
    await rejectsWith(
      users.signIn('b@example.com', 'wrong password', '2001:db8:1:2:ffff::9'),
      'sign_in_failed',
    );
    await rejectsWith(
      users.signIn('c@example.com', 'wrong password', '2001:db8:1:2::77'),
      'sign_in_throttled',
    );
    await rejectsWith(users.signIn('c@example.com', 'wrong password', '2001:db8:1:3::1'), 'sign_in_failed');
    await rejectsWith(users.signIn('d@example.com', 'wrong password', '::ffff:192.0.2.9'), 'sign_in_failed');
    await rejectsWith(users.signIn('e@example.com', 'wrong password', '192.0.2.9'), 'sign_in_failed');
    await rejectsWith(users.signIn('f@example.com', 'wrong password', '192.0.2.9'), 'sign_in_throttled');
  });

  it('ends a session after 12 idle hours, refreshing last_seen at most once a minute', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    await activeUser(users, accountId, 'idle@example.com');
    const { token, session } = await users.signIn('idle@example.com', PASSWORD, '198.51.100.4');
    const lastSeen = async (): Promise<number> =>
      (
        await store.db
          .selectFrom('web_sessions')
          .select('last_seen_at')
          .where('id', '=', session.id)
          .executeTakeFirstOrThrow()
      ).last_seen_at;
    clock = T0 + 30_000;
    assert.ok(await users.authenticate(token));
    assert.equal(await lastSeen(), T0, 'no write within the minute');
    clock = T0 + 61_000;
    assert.ok(await users.authenticate(token));
    assert.equal(await lastSeen(), T0 + 61_000);
    clock = T0 + 61_000 + SESSION_IDLE_MS - 1;
    assert.ok(await users.authenticate(token), 'used just in time');
    clock += SESSION_IDLE_MS;
    assert.equal(await users.authenticate(token), undefined);
    assert.equal(
      (await store.db.selectFrom('web_sessions').select('id').where('id', '=', session.id).execute()).length,
      0,
      'the expired session is deleted',
    );
  });

  it('ends a session 7 days after sign-in however active, and honours configured lengths', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    await activeUser(users, accountId, 'busy@example.com');
    const { token } = await users.signIn('busy@example.com', PASSWORD, '198.51.100.5');
    while (clock + 6 * HOUR < T0 + SESSION_MAX_AGE_MS) {
      clock += 6 * HOUR;
      assert.ok(await users.authenticate(token));
    }
    clock = T0 + SESSION_MAX_AGE_MS;
    assert.equal(await users.authenticate(token), undefined);

    const short = service({ sessions: { idleMs: HOUR, maxAgeMs: 2 * HOUR } });
    clock = T0;
    const { token: other } = await short.signIn('busy@example.com', PASSWORD, '198.51.100.5');
    clock = T0 + HOUR - 1;
    assert.ok(await short.authenticate(other));
    clock = T0 + 2 * HOUR;
    assert.equal(await short.authenticate(other), undefined);
  });

  it('changes a password: checks the current one, ends every session, returns a fresh one', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    const user = await activeUser(users, accountId, 'change@example.com');
    const laptop = await users.signIn('change@example.com', PASSWORD, '198.51.100.6');
    const phone = await users.signIn('change@example.com', PASSWORD, '198.51.100.7');
    await rejectsWith(
      users.changePassword(user.id, 'not the password', 'brand new password'),
      'wrong_current_password',
      'The current password is incorrect.',
    );
    await rejectsWith(users.changePassword(user.id, PASSWORD, 'short'), 'password_too_short');
    assert.ok(await users.authenticate(phone.token), 'refusals change nothing');

    clock += MINUTE;
    const fresh = await users.changePassword(user.id, PASSWORD, 'brand new password');
    assert.equal(await users.authenticate(laptop.token), undefined);
    assert.equal(await users.authenticate(phone.token), undefined);
    assert.deepEqual(await users.authenticate(fresh.token), fresh.session);
    await rejectsWith(users.signIn('change@example.com', PASSWORD, '198.51.100.6'), 'sign_in_failed');
    await users.signIn('change@example.com', 'brand new password', '198.51.100.6');
  });

  it('queues the reset email in the user’s language with a working one-hour link; nothing for an unknown email', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount('CKOI 96,9');
    const en = await activeUser(users, accountId, 'reset-en@example.com', { language: 'en', name: 'Ann' });
    await activeUser(users, accountId, 'reset-fr@example.com', { language: 'fr', name: 'Éloi' });
    const session = await users.signIn('reset-en@example.com', PASSWORD, '198.51.100.8');
    const emails = () =>
      store.db
        .selectFrom('emails')
        .selectAll()
        .where('kind', '=', 'password_reset')
        .where('account_id', '=', accountId)
        .orderBy('id')
        .execute();

    const wakesBefore = wakes;
    await users.requestPasswordReset('nobody@example.com', 'en');
    await users.requestPasswordReset('not an email');
    assert.deepEqual(await emails(), []);

    await users.requestPasswordReset('Reset-EN@example.com', 'fr');
    await users.requestPasswordReset('reset-fr@example.com', 'en');
    const [english, french] = await emails();
    assert.equal(wakes, wakesBefore + 2, 'the email dispatcher is woken once per email');
    assert.ok(english && french);
    assert.deepEqual(
      [english.to_address, english.from_address, english.subject, english.format, english.status],
      ['reset-en@example.com', 'no-reply@example.com', 'Reset your VuduMobile password', 'text', 'queued'],
    );
    assert.equal(french.subject, 'Réinitialisation de votre mot de passe VuduMobile');
    assert.match(french.body, /^Bonjour Éloi,/);
    assert.match(french.body, /compte VuduMobile « CKOI 96,9 »/);
    const link = /^https:\/\/sms\.example\.com\/password\/reset\/([A-Za-z0-9_-]{43})$/m.exec(english.body);
    assert.ok(link?.[1], english.body);
    assert.match(english.body, /^Hello Ann,/);
    assert.match(english.body, /within one hour/);

    const token = link[1];
    assert.deepEqual(await users.inspectToken(token), {
      kind: 'reset',
      user: en,
      expiresAt: T0 + RESET_TTL_MS,
    });
    clock = T0 + RESET_TTL_MS - 1;
    await users.setPasswordWithToken(token, 'a reset password');
    assert.equal(await users.authenticate(session.token), undefined, 'the reset ends every session');
    await users.signIn('reset-en@example.com', 'a reset password', '198.51.100.8');
    await rejectsWith(users.setPasswordWithToken(token, 'again a password'), 'invalid_token');

    // French user's link, unused past its hour.
    const frenchToken = tokenOf(/^https:\S+$/m.exec(french.body)?.[0] ?? '');
    clock = T0 + RESET_TTL_MS;
    await rejectsWith(users.setPasswordWithToken(frenchToken, 'too late password'), 'invalid_token');
  });

  it(`sends at most ${RESET_EMAILS_PER_HOUR} reset emails per user an hour`, async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    const user = await activeUser(users, accountId, 'flood@example.com');
    const count = async (): Promise<number> =>
      (
        await store.db
          .selectFrom('emails')
          .select('id')
          .where('kind', '=', 'password_reset')
          .where('to_address', '=', user.email)
          .execute()
      ).length;
    for (let i = 0; i < RESET_EMAILS_PER_HOUR + 3; i++) await users.requestPasswordReset(user.email);
    assert.equal(await count(), RESET_EMAILS_PER_HOUR);
    clock = T0 + HOUR + 1;
    await users.requestPasswordReset(user.email);
    assert.equal(await count(), RESET_EMAILS_PER_HOUR + 1);
  });

  it('keeps the last admin: no demotion, no removal, even two at once', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    const boss = await activeUser(users, accountId, 'boss@example.com', { role: 'admin' });
    const { user: member } = await users.invite(accountId, { email: 'member@example.com' });
    assert.equal(member.role, 'member');
    await rejectsWith(
      users.setRole(accountId, boss.id, 'member'),
      'last_admin',
      'The account must keep at least one administrator.',
    );
    await rejectsWith(users.removeUser(accountId, boss.id), 'last_admin');
    assert.equal((await users.setRole(accountId, boss.id, 'admin')).role, 'admin', 'admin to admin is fine');

    const promoted = await users.setRole(accountId, member.id, 'admin');
    assert.equal(promoted.role, 'admin');
    // Open several pooled connections first (PostgreSQL), so the two transactions below truly overlap.
    await Promise.all(Array.from({ length: 4 }, () => sql`select 1`.execute(store.db)));
    // Each demotes the other at the same moment: one must lose.
    const results = await Promise.allSettled([
      users.setRole(accountId, boss.id, 'member'),
      users.setRole(accountId, member.id, 'member'),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const admins = (await users.listUsers(accountId)).filter((u) => u.role === 'admin');
    assert.equal(admins.length, 1);
  });

  it('removes a user with their sessions and links', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    await activeUser(users, accountId, 'stays@example.com', { role: 'admin' });
    const leaving = await activeUser(users, accountId, 'leaves@example.com');
    const { token } = await users.signIn('leaves@example.com', PASSWORD, '198.51.100.9');
    await users.requestPasswordReset('leaves@example.com');
    await users.removeUser(accountId, leaving.id);
    assert.equal(await users.authenticate(token), undefined);
    assert.equal(await users.findUser(accountId, leaving.id), undefined);
    for (const table of ['web_sessions', 'user_tokens'] as const) {
      const rows = await store.db.selectFrom(table).select('id').where('user_id', '=', leaving.id).execute();
      assert.deepEqual(rows, [], table);
    }
    await rejectsWith(users.removeUser(accountId, leaving.id), 'user_not_found', 'User not found.');
    await rejectsWith(users.signIn('leaves@example.com', PASSWORD, '198.51.100.9'), 'sign_in_failed');
  });

  it("reaches nothing of another account's users", async () => {
    clock = T0;
    const users = service();
    const mine = await newAccount();
    const theirs = await newAccount();
    await activeUser(users, mine, 'me@example.com', { role: 'admin' });
    const them = await activeUser(users, theirs, 'them@example.com', { role: 'admin' });
    const other = await activeUser(users, theirs, 'other@example.com', { role: 'admin' });
    assert.equal(await users.findUser(mine, them.id), undefined);
    await rejectsWith(users.setRole(mine, other.id, 'member'), 'user_not_found');
    await rejectsWith(users.removeUser(mine, other.id), 'user_not_found');
    assert.deepEqual(
      (await users.listUsers(mine)).map((u) => u.email),
      ['me@example.com'],
    );
    assert.deepEqual(await users.findUser(theirs, other.id), other, 'untouched');
  });

  it('updates a profile with checked values', async () => {
    clock = T0;
    const users = service();
    const accountId = await newAccount();
    const user = await activeUser(users, accountId, 'profile@example.com');
    assert.deepEqual(
      await users.updateProfile(user.id, {
        name: '  Marie   Côté ',
        language: 'en',
        timeZone: 'europe/paris',
      }),
      { ...user, name: 'Marie Côté', language: 'en', timeZone: 'Europe/Paris' },
    );
    await rejectsWith(
      users.updateProfile(user.id, { name: 'x'.repeat(101), language: 'fr', timeZone: 'UTC' }),
      'user_name_too_long',
    );
    await rejectsWith(
      users.updateProfile(user.id, { name: 'M', language: 'de' as 'fr', timeZone: 'UTC' }),
      'invalid_language',
    );
    await rejectsWith(
      users.updateProfile(user.id, { name: 'M', language: 'fr', timeZone: 'Mars/Olympus' }),
      'invalid_timezone',
    );
    await rejectsWith(
      users.updateProfile(999_999, { name: 'M', language: 'fr', timeZone: 'UTC' }),
      'user_not_found',
    );
    await rejectsWith(users.invite(accountId, { email: 'nope' }), 'invalid_email_address');
    await rejectsWith(
      users.invite(accountId, { email: 'r@example.com', role: 'owner' as 'admin' }),
      'invalid_role',
    );
  });
});
