import type { Command } from 'commander';
import { normalisePhone } from '../domain/common/phone.js';
import { segmentMessage } from '../domain/sms/segments.js';
import { normaliseSender } from '../domain/messages/send-request.js';
import type { WithServices } from './command-services.js';
import { CliError, emit, parseId } from './output.js';

/** `vudumobile sandbox …`: plays the carrier's side for demos and tests; no real SMS is involved. */
export function registerSandboxCommands(program: Command, withServices: WithServices): void {
  const sandbox = program
    .command('sandbox')
    .description('play the carrier’s side (demos, tests): no real SMS');
  sandbox
    .command('receive')
    .description('store an inbound SMS as if the carrier had delivered it (it shows in get_feed)')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--from <number>', 'the sender’s phone number')
    .option('--to <number>', 'one of the account’s sender numbers (default: its first)')
    .requiredOption('--message <text>', 'the text')
    .action((opts: { account: string; from: string; to?: string; message: string }) =>
      withServices(async (services, out) => {
        const accountId = parseId(opts.account, '--account');
        const account = await services.accounts.findAccount(accountId);
        if (!account) throw new CliError(`account ${accountId} does not exist`);
        const from = normalisePhone(opts.from, account.defaultCountry);
        if (!from) throw new CliError(`--from "${opts.from}" is not a valid phone number`);
        if (opts.message === '') throw new CliError('--message must not be empty');
        const senders = await services.accounts.listSenders(accountId);
        if (senders.length === 0)
          throw new CliError(
            `account ${accountId} has no sender number to receive on (create it with --sender)`,
          );
        const to = opts.to === undefined ? senders[0] : normaliseSender(opts.to, account.defaultCountry);
        if (!to || !senders.includes(to))
          throw new CliError(
            `--to "${opts.to}" is not a sender number of account ${accountId} (${senders.join(', ')})`,
          );
        const result = await services.receiveInbound({
          from,
          to,
          text: opts.message,
          partCount: segmentMessage(opts.message).parts.length,
          receivedAt: Date.now(),
        });
        if (!result.routed) throw new CliError(`no account sends from ${to}`);
        emit(
          out,
          { msg_id: result.messageId, account: accountId, from, to, contact_id: result.contactId },
          `inbound SMS ${result.messageId} stored for account ${accountId} (from ${from} to ${to})`,
        );
      }),
    );
}
