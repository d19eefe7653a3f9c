import type { Command } from 'commander';
import { normaliseEmail } from '../domain/common/email.js';
import { parseUiLanguage, parseUserRole, type User } from '../domain/users/users.js';
import { requireAccount } from './admin-commands.js';
import type { WithServices } from './command-services.js';
import { CliError, emit } from './output.js';

function presentUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    language: user.language,
    time_zone: user.timeZone,
    has_password: user.hasPassword,
  };
}

function parseEmailOption(raw: string): string {
  const email = normaliseEmail(raw);
  if (!email) throw new CliError(`"${raw}" is not a valid email address`);
  return email;
}

/**
 * `user add|list|remove`: the people of an account's web platform. `add` invites: it prints a
 * single-use link that lets the person choose their password (the tool never sees one).
 */
export function registerUserCommands(program: Command, withServices: WithServices): void {
  const user = program.command('user').description('manage the users (web platform people) of an account');
  user
    .command('add')
    .description(
      'invite a user: prints a single-use link (valid 7 days) to choose a password; again for a user who has none yet, a new link',
    )
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--email <email>', 'the user’s email')
    .option('--name <name>', 'display name')
    .option('--role <admin|member>', 'admin: users, keys and settings; member: everything else', 'member')
    .option('--language <fr|en>', 'language of the web platform and of the user’s emails', 'fr')
    .option('--time-zone <zone>', 'IANA time zone of the dates shown', 'America/Toronto')
    .action(
      (opts: {
        account: string;
        email: string;
        name?: string;
        role: string;
        language: string;
        timeZone: string;
      }) =>
        withServices(async (services, out) => {
          const accountId = await requireAccount(services, opts.account);
          const email = parseEmailOption(opts.email);
          const role = parseUserRole(opts.role);
          if (!role) throw new CliError('--role must be admin or member');
          const language = parseUiLanguage(opts.language);
          if (!language) throw new CliError('--language must be fr or en');
          const { user: invited, token } = await services.users.invite(accountId, {
            email,
            name: opts.name,
            role,
            language,
            timeZone: opts.timeZone,
          });
          const link = services.users.invitationUrl(token);
          emit(
            out,
            { ...presentUser(invited), invitation: link },
            [
              `user ${invited.id} (${invited.email}, ${invited.role}) invited.`,
              'Send them this link to choose their password (single use, valid 7 days):',
              `  ${link}`,
            ].join('\n'),
          );
        }),
    );
  user
    .command('list')
    .description('list the users of an account: role, name, language and whether a password is set')
    .requiredOption('--account <id>', 'account id')
    .action((opts: { account: string }) =>
      withServices(async (services, out) => {
        const accountId = await requireAccount(services, opts.account);
        const users = (await services.users.listUsers(accountId)).map(presentUser);
        emit(
          out,
          users,
          users
            .map((u) =>
              [u.id, u.email, u.role, u.name || '-', u.has_password ? 'password set' : 'invited'].join('\t'),
            )
            .join('\n'),
        );
      }),
    );
  user
    .command('remove')
    .description('remove a user and end their sessions (the last admin of an account cannot be removed)')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--email <email>', 'the user’s email')
    .action((opts: { account: string; email: string }) =>
      withServices(async (services, out) => {
        const accountId = await requireAccount(services, opts.account);
        const email = normaliseEmail(opts.email) ?? opts.email.trim();
        const found = (await services.users.listUsers(accountId)).find((u) => u.email === email);
        if (!found) throw new CliError(`user ${email} does not exist`);
        await services.users.removeUser(accountId, found.id);
        emit(out, { email, removed: true }, `user ${email} removed`);
      }),
    );
}
