import type { Command } from 'commander';
import { normaliseEmail } from '../domain/common/email.js';
import { isValidAllowEntry } from '../domain/accounts/ip-allow-list.js';
import type { CliServices, WithServices } from './command-services.js';
import { CliError, emit, parseId } from './output.js';
import { registerConsentAccountCommands } from './consent-commands.js';
import { registerLimitCommands } from './limit-commands.js';
import { registerQuietHoursCommands } from './quiet-hours-commands.js';
import { parseSenderNumber, registerSenderCommands } from './sender-commands.js';

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

/** The account of `--account`, which must exist. */
export async function requireAccount({ accounts }: CliServices, raw: string): Promise<number> {
  const id = parseId(raw, '--account');
  if (!(await accounts.findAccount(id))) throw new CliError(`account ${id} does not exist`);
  return id;
}

export function registerAccountCommands(program: Command, withServices: WithServices): void {
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
      withServices(async (services, out) => {
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
        const id = await services.accounts.createAccount({
          name: opts.name.trim(),
          defaultLanguage: opts.language,
          defaultCountry: country,
          mailFrom,
          senders,
        });
        emit(out, { id }, `account ${id} created`);
      }),
    );
  account
    .command('list')
    .description('list accounts')
    .action(() =>
      withServices(async (services, out) => {
        const accounts = (await services.accounts.listAccounts()).map((a) => ({
          id: a.id,
          name: a.name,
          language: a.defaultLanguage,
          country: a.defaultCountry,
          mail_from: a.mailFrom,
          senders: a.senders,
        }));
        emit(
          out,
          accounts,
          accounts
            .map((a) => `${a.id}\t${a.name}\t${a.language}\t${a.country}\t${a.senders.join(',')}`)
            .join('\n'),
        );
      }),
    );
  registerSenderCommands(account, withServices);
  registerLimitCommands(account, withServices);
  registerQuietHoursCommands(account, withServices);
  registerConsentAccountCommands(account, withServices);
}

export function registerKeyCommands(program: Command, withServices: WithServices): void {
  const key = program.command('key').description('manage API keys and their IP allow-lists');
  key
    .command('create')
    .description('create an API key (shown once)')
    .requiredOption('--account <id>', 'account id')
    .option('--allow <list>', 'IP addresses or CIDR ranges allowed, comma-separated (default: none)')
    .action((opts: { account: string; allow?: string }) =>
      withServices(async (services, out) => {
        const accountId = await requireAccount(services, opts.account);
        const allowedIps = parseAllowList(opts.allow);
        const { id, key: secret } = await services.accounts.createApiKey(accountId, allowedIps);
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
      withServices(async (services, out) => {
        const accountId = opts.account === undefined ? undefined : parseId(opts.account, '--account');
        const keys = (await services.accounts.listApiKeys(accountId)).map((k) => ({
          id: k.id,
          account: k.accountId,
          key: k.masked,
          allow: k.allowedIps,
          revoked: k.revokedAt !== null,
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
      withServices(async (services, out) => {
        const id = parseId(rawId, 'key id');
        if (!(await services.accounts.revokeApiKey(id))) throw new CliError(`key ${id} does not exist`);
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
        withServices(async (services, out) => {
          const id = parseId(rawId, 'key id');
          if (!(await services.accounts.findApiKey(id))) throw new CliError(`key ${id} does not exist`);
          const entries = parseAllowList(list);
          if (entries.length === 0) throw new CliError('give at least one IP address or CIDR range');
          const next = await services.accounts.changeAllowList(id, name, entries);
          if (!next) throw new CliError(`key ${id} does not exist`);
          emit(out, { id, allow: next }, `key ${id} allowed from: ${next.join(', ') || 'no IP'}`);
        }),
      );
  }
}
