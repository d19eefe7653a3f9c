import type { Command } from 'commander';
import { generateApiKey, hashApiKey, maskApiKey } from '../domain/accounts/api-keys.js';
import { normaliseEmail } from '../domain/common/email.js';
import { isValidAllowEntry } from '../domain/accounts/ip-allow-list.js';
import { createAccount, findAccount, listAccounts, listSenders } from '../store/accounts/accounts-repo.js';
import type { Store } from '../store/database.js';
import {
  findApiKey,
  insertApiKey,
  listApiKeys,
  parseAllowedIps,
  revokeApiKey,
  setAllowedIps,
} from '../store/accounts/keys-repo.js';
import { deleteUser, findUserByEmail, insertUser, listUsers } from '../store/accounts/users-repo.js';
import { CliError, emit, parseId, type Output } from './output.js';
import { parseSenderNumber, registerSenderCommands } from './sender-commands.js';

/** Runs a command body against the migrated store; main.ts provides it. */
export type WithStore = (fn: (store: Store, out: Output) => Promise<void>) => Promise<void>;

function parseAllowList(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    if (!isValidAllowEntry(entry)) throw new CliError(`"${entry}" is not an IP address or CIDR range`);
  }
  return entries;
}

async function requireAccount(store: Store, raw: string): Promise<number> {
  const id = parseId(raw, '--account');
  if (!(await findAccount(store.db, id))) throw new CliError(`account ${id} does not exist`);
  return id;
}

export function registerAccountCommands(program: Command, withStore: WithStore): void {
  const account = program.command('account').description('manage accounts');
  account
    .command('create')
    .description('create an account with its system groups')
    .requiredOption('--name <name>', 'account name')
    .option('--language <fr|en>', 'default language of new contacts', 'fr')
    .option('--country <code>', 'default country for national numbers', 'CA')
    .option('--sender <numbers>', 'sender numbers (long or short codes), comma-separated')
    .option('--mail-from <email>', 'From address of the account’s email')
    .action((opts: { name: string; language: string; country: string; sender?: string; mailFrom?: string }) =>
      withStore(async (store, out) => {
        if (opts.language !== 'fr' && opts.language !== 'en')
          throw new CliError('--language must be fr or en');
        if (!/^[A-Za-z]{2}$/.test(opts.country))
          throw new CliError('--country must be a two-letter country code');
        const country = opts.country.toUpperCase();
        const senders = (opts.sender ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map((s) => parseSenderNumber(s, country));
        let mailFrom: string | null = null;
        if (opts.mailFrom !== undefined) {
          mailFrom = normaliseEmail(opts.mailFrom);
          if (!mailFrom) throw new CliError(`--mail-from "${opts.mailFrom}" is not a valid email address`);
        }
        if (opts.name.trim() === '') throw new CliError('--name must not be empty');
        const id = await createAccount(
          store.db,
          {
            name: opts.name.trim(),
            defaultLanguage: opts.language,
            defaultCountry: country,
            mailFrom,
            senders,
          },
          Date.now(),
        );
        emit(out, { id }, `account ${id} created`);
      }),
    );
  account
    .command('list')
    .description('list accounts')
    .action(() =>
      withStore(async (store, out) => {
        const rows = await listAccounts(store.db);
        const accounts = [];
        for (const row of rows) {
          accounts.push({
            id: row.id,
            name: row.name,
            language: row.default_language,
            country: row.default_country,
            mail_from: row.mail_from,
            senders: await listSenders(store.db, row.id),
          });
        }
        emit(
          out,
          accounts,
          accounts
            .map((a) => `${a.id}\t${a.name}\t${a.language}\t${a.country}\t${a.senders.join(',')}`)
            .join('\n'),
        );
      }),
    );
  registerSenderCommands(account, withStore);
}

export function registerKeyCommands(program: Command, withStore: WithStore): void {
  const key = program.command('key').description('manage API keys and their IP allow-lists');
  key
    .command('create')
    .description('create an API key (shown once)')
    .requiredOption('--account <id>', 'account id')
    .option('--allow <list>', 'IP addresses or CIDR ranges allowed, comma-separated (default: none)')
    .action((opts: { account: string; allow?: string }) =>
      withStore(async (store, out) => {
        const accountId = await requireAccount(store, opts.account);
        const allowedIps = parseAllowList(opts.allow);
        const secret = generateApiKey();
        const id = await insertApiKey(
          store.db,
          { accountId, keyHash: hashApiKey(secret), masked: maskApiKey(secret), allowedIps },
          Date.now(),
        );
        emit(
          out,
          { id, key: secret },
          `key ${id}: ${secret}\n(shown once; allowed from: ${allowedIps.join(', ') || 'no IP yet — use key allow'})`,
        );
      }),
    );
  key
    .command('list')
    .description('list API keys (masked)')
    .option('--account <id>', 'only this account')
    .action((opts: { account?: string }) =>
      withStore(async (store, out) => {
        const accountId = opts.account === undefined ? undefined : parseId(opts.account, '--account');
        const keys = (await listApiKeys(store.db, accountId)).map((k) => ({
          id: k.id,
          account: k.account_id,
          key: k.masked,
          allow: parseAllowedIps(k.allowed_ips),
          revoked: k.revoked_at !== null,
        }));
        emit(
          out,
          keys,
          keys
            .map(
              (k) =>
                `${k.id}\t${k.account}\t${k.key}\t${k.revoked ? 'revoked' : k.allow.join(',') || '(no IP allowed)'}`,
            )
            .join('\n'),
        );
      }),
    );
  key
    .command('revoke')
    .description('revoke an API key')
    .argument('<id>', 'key id')
    .action((rawId: string) =>
      withStore(async (store, out) => {
        const id = parseId(rawId, 'key id');
        if (!(await findApiKey(store.db, id))) throw new CliError(`key ${id} does not exist`);
        await revokeApiKey(store.db, id, Date.now());
        emit(out, { id, revoked: true }, `key ${id} revoked`);
      }),
    );
  for (const [name, verb] of [
    ['allow', 'add'],
    ['deny', 'remove'],
  ] as const) {
    key
      .command(name)
      .description(
        `${verb} IP addresses or CIDR ranges ${name === 'allow' ? 'to' : 'from'} a key's allow-list`,
      )
      .argument('<id>', 'key id')
      .argument('<list>', 'IP addresses or CIDR ranges, comma-separated')
      .action((rawId: string, list: string) =>
        withStore(async (store, out) => {
          const id = parseId(rawId, 'key id');
          const row = await findApiKey(store.db, id);
          if (!row) throw new CliError(`key ${id} does not exist`);
          const entries = parseAllowList(list);
          if (entries.length === 0) throw new CliError('give at least one IP address or CIDR range');
          const current = parseAllowedIps(row.allowed_ips);
          const next =
            name === 'allow'
              ? [...current, ...entries.filter((e) => !current.includes(e))]
              : current.filter((e) => !entries.includes(e));
          await setAllowedIps(store.db, id, next);
          emit(out, { id, allow: next }, `key ${id} allowed from: ${next.join(', ') || 'no IP'}`);
        }),
      );
  }
}

export function registerUserCommands(program: Command, withStore: WithStore): void {
  const user = program.command('user').description('manage the users (web platform people) of an account');
  user
    .command('add')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--email <email>', 'the user’s email')
    .action((opts: { account: string; email: string }) =>
      withStore(async (store, out) => {
        const accountId = await requireAccount(store, opts.account);
        const email = normaliseEmail(opts.email);
        if (!email) throw new CliError(`"${opts.email}" is not a valid email address`);
        if (await findUserByEmail(store.db, accountId, email))
          throw new CliError(`user ${email} already exists`);
        const id = await insertUser(store.db, accountId, email, Date.now());
        emit(out, { id, email }, `user ${id} (${email}) added`);
      }),
    );
  user
    .command('list')
    .requiredOption('--account <id>', 'account id')
    .action((opts: { account: string }) =>
      withStore(async (store, out) => {
        const accountId = await requireAccount(store, opts.account);
        const users = (await listUsers(store.db, accountId)).map((u) => ({ id: u.id, email: u.email }));
        emit(out, users, users.map((u) => `${u.id}\t${u.email}`).join('\n'));
      }),
    );
  user
    .command('remove')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--email <email>', 'the user’s email')
    .action((opts: { account: string; email: string }) =>
      withStore(async (store, out) => {
        const accountId = await requireAccount(store, opts.account);
        const email = normaliseEmail(opts.email) ?? opts.email;
        if (!(await deleteUser(store.db, accountId, email)))
          throw new CliError(`user ${email} does not exist`);
        emit(out, { email, removed: true }, `user ${email} removed`);
      }),
    );
}
