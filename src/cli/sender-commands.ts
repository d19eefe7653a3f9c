import type { Command } from 'commander';
import { normaliseSender } from '../domain/messages/send-request.js';
import type { CliServices, WithServices } from './command-services.js';
import { CliError, emit, parseId } from './output.js';

/**
 * A sender number as stored: short codes (3–8 digits) are kept as digits, for libphonenumber does not
 * know them; anything else must be a valid phone number, in E.164 digits.
 */
export function parseSenderNumber(raw: string, country: string, option = '--sender'): string {
  const number = normaliseSender(raw, country);
  if (!number) throw new CliError(`${option} "${raw.trim()}" is not a valid phone number or short code`);
  return number;
}

/** `account sender add|remove <account> <number>`: the numbers an account sends from and receives on. */
export function registerSenderCommands(account: Command, withServices: WithServices): void {
  const sender = account.command('sender').description("add or remove an account's sender numbers");
  /** Both subcommands: resolve the account and the number, change, then print the senders left. */
  const change = (
    name: string,
    description: string,
    apply: (services: CliServices, accountId: number, number: string) => Promise<void>,
  ): void => {
    sender
      .command(name)
      .description(description)
      .argument('<account>', 'account id')
      .argument('<number>', 'the number')
      .action((rawAccount: string, rawNumber: string) =>
        withServices(async (services, out) => {
          const accountId = parseId(rawAccount, 'account id');
          const found = await services.accounts.findAccount(accountId);
          if (!found) throw new CliError(`account ${accountId} does not exist`);
          await apply(services, accountId, parseSenderNumber(rawNumber, found.defaultCountry, 'number'));
          const senders = await services.accounts.listSenders(accountId);
          emit(
            out,
            { account: accountId, senders },
            `account ${accountId} senders: ${senders.join(', ') || 'none'}`,
          );
        }),
      );
  };
  change(
    'add',
    'add a sender number (long or short code); MO messages to it reach this account',
    async ({ accounts }, accountId, number) => {
      const result = await accounts.addSender(accountId, number);
      if (!result.added) throw new CliError(`${number} is already a sender of account ${result.owner}`);
    },
  );
  change('remove', 'remove a sender number', async ({ accounts }, accountId, number) => {
    if (!(await accounts.removeSender(accountId, number)))
      throw new CliError(`${number} is not a sender of account ${accountId}`);
  });
}
