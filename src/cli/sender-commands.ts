import type { Command } from 'commander';
import { normalisePhone } from '../domain/common/phone.js';
import {
  addSender,
  findAccount,
  findSenderAccount,
  listSenders,
  removeSender,
} from '../store/accounts/accounts-repo.js';
import type { Store } from '../store/database.js';
import type { WithStore } from './admin-commands.js';
import { CliError, emit, parseId } from './output.js';

/**
 * A sender number as stored: short codes (3–8 digits) are kept as digits, for libphonenumber does not
 * know them; anything else must be a valid phone number, in E.164 digits.
 */
export function parseSenderNumber(raw: string, country: string, option = '--sender'): string {
  const trimmed = raw.trim();
  if (/^\d{3,8}$/.test(trimmed)) return trimmed;
  const number = normalisePhone(trimmed, country);
  if (!number) throw new CliError(`${option} "${trimmed}" is not a valid phone number or short code`);
  return number;
}

/** `account sender add|remove <account> <number>`: the numbers an account sends from and receives on. */
export function registerSenderCommands(account: Command, withStore: WithStore): void {
  const sender = account.command('sender').description("add or remove an account's sender numbers");
  /** Both subcommands: resolve the account and the number, change, then print the senders left. */
  const change = (
    name: string,
    description: string,
    apply: (store: Store, accountId: number, number: string) => Promise<void>,
  ): void => {
    sender
      .command(name)
      .description(description)
      .argument('<account>', 'account id')
      .argument('<number>', 'the number')
      .action((rawAccount: string, rawNumber: string) =>
        withStore(async (store, out) => {
          const accountId = parseId(rawAccount, 'account id');
          const row = await findAccount(store.db, accountId);
          if (!row) throw new CliError(`account ${accountId} does not exist`);
          await apply(store, accountId, parseSenderNumber(rawNumber, row.default_country, 'number'));
          const senders = await listSenders(store.db, accountId);
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
    async (store, accountId, number) => {
      const owner = await findSenderAccount(store.db, number);
      // One number, one account: an inbound message must have a single destination.
      if (owner !== undefined) throw new CliError(`${number} is already a sender of account ${owner}`);
      await addSender(store.db, accountId, number, Date.now());
    },
  );
  change('remove', 'remove a sender number', async (store, accountId, number) => {
    if (!(await removeSender(store.db, accountId, number)))
      throw new CliError(`${number} is not a sender of account ${accountId}`);
  });
}
