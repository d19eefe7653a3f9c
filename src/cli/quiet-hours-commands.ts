import type { Command } from 'commander';
import { formatClock, parseClock, type QuietWindow } from '../domain/broadcasts/quiet-hours.js';
import { DomainError } from '../domain/errors.js';
import type { WithServices } from './command-services.js';
import { CliError, emit, parseId } from './output.js';

interface QuietOptions {
  account: string;
  from?: string;
  to?: string;
  off?: boolean;
  timeZone?: string;
}

function clockOption(raw: string, option: string): number {
  const minute = parseClock(raw);
  if (minute === null) throw new CliError(`${option} must be a time HH:MM (24 h), got "${raw}"`);
  return minute;
}

/** The window the options ask for: undefined when they change none. */
function windowOf(opts: QuietOptions): QuietWindow | null | undefined {
  if (opts.off) {
    if (opts.from !== undefined || opts.to !== undefined) throw new CliError('--off takes no --from or --to');
    return null;
  }
  if (opts.from === undefined && opts.to === undefined) return undefined;
  if (opts.from === undefined || opts.to === undefined) throw new CliError('--from and --to go together');
  const window = { startMinute: clockOption(opts.from, '--from'), endMinute: clockOption(opts.to, '--to') };
  if (window.startMinute === window.endMinute) throw new CliError('--from and --to must differ');
  return window;
}

const describe = (window: QuietWindow | null): string =>
  window === null ? 'off' : `${formatClock(window.startMinute)}–${formatClock(window.endMinute)}`;

/**
 * `account quiet-hours --account N [--from HH:MM --to HH:MM | --off] [--time-zone Zone]`: when the
 * account's broadcast SMS wait, in each recipient's local time (the area code's zone, else
 * --time-zone). Without options it prints them. Broadcasts fanned out after the change apply it.
 */
export function registerQuietHoursCommands(account: Command, withServices: WithServices): void {
  account
    .command('quiet-hours')
    .description("show or set an account's quiet hours (broadcast SMS wait, in each recipient's local time)")
    .requiredOption('--account <id>', 'account id')
    .option('--from <HH:MM>', 'start of the window, local time')
    .option('--to <HH:MM>', 'end of the window, local time (the next day when before --from)')
    .option('--off', 'no quiet hours')
    .option('--time-zone <zone>', 'IANA zone of numbers whose area code tells none (default America/Toronto)')
    .action((opts: QuietOptions) =>
      withServices(async (services, out) => {
        const accountId = parseId(opts.account, 'account id');
        const found = await services.accounts.findAccount(accountId);
        if (!found) throw new CliError(`account ${accountId} does not exist`);
        const window = windowOf(opts);
        let current = found;
        if (window !== undefined || opts.timeZone !== undefined) {
          try {
            const updated = await services.accounts.setQuietHours(
              accountId,
              window === undefined ? found.quietHours : window,
              opts.timeZone ?? found.timeZone,
            );
            if (!updated) throw new CliError(`account ${accountId} does not exist`);
            current = updated;
          } catch (error) {
            if (error instanceof DomainError) throw new CliError(`--time-zone: ${error.message}`);
            throw error;
          }
        }
        const quiet = current.quietHours;
        emit(
          out,
          {
            account: accountId,
            from: quiet && formatClock(quiet.startMinute),
            to: quiet && formatClock(quiet.endMinute),
            time_zone: current.timeZone,
          },
          `account ${accountId} quiet hours: ${describe(quiet)} (recipient's local time; unknown area codes: ${current.timeZone})`,
        );
      }),
    );
}
