import type { Command } from 'commander';
import { MAX_RATE_LIMIT, type AccountLimits } from '../domain/accounts/rate-limits.js';
import type { WithServices } from './command-services.js';
import { CliError, emit, parseId } from './output.js';

/**
 * One limit option: a whole number, `default` (the platform's, from the environment), or absent
 * (unchanged).
 */
function parseLimitOption(raw: string | undefined, option: string, current: number | null): number | null {
  if (raw === undefined) return current;
  if (raw === 'default') return null;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_RATE_LIMIT)
    throw new CliError(`${option} must be a whole number from 1 to ${MAX_RATE_LIMIT}, or default`);
  return Number(raw);
}

const describe = (value: number | null): string => (value === null ? 'platform default' : String(value));

/**
 * `account limits <account> [--per-minute N|default] [--per-day N|default]`: the account's own API
 * request limits, over every key of it. Without options it prints them. Running servers apply a
 * change within a second (the API's key cache).
 */
export function registerLimitCommands(account: Command, withServices: WithServices): void {
  account
    .command('limits')
    .description("show or set an account's API request limits (per minute, per day)")
    .argument('<account>', 'account id')
    .option('--per-minute <n>', 'requests per minute over all its keys, or default')
    .option('--per-day <n>', 'requests per day (a quota), or default')
    .action((rawAccount: string, opts: { perMinute?: string; perDay?: string }) =>
      withServices(async (services, out) => {
        const accountId = parseId(rawAccount, 'account id');
        const found = await services.accounts.findAccount(accountId);
        if (!found) throw new CliError(`account ${accountId} does not exist`);
        let limits: AccountLimits = found.limits;
        if (opts.perMinute !== undefined || opts.perDay !== undefined) {
          limits = {
            perMinute: parseLimitOption(opts.perMinute, '--per-minute', found.limits.perMinute),
            perDay: parseLimitOption(opts.perDay, '--per-day', found.limits.perDay),
          };
          const updated = await services.accounts.setLimits(accountId, limits);
          if (!updated) throw new CliError(`account ${accountId} does not exist`);
        }
        emit(
          out,
          { account: accountId, per_minute: limits.perMinute, per_day: limits.perDay },
          `account ${accountId} limits: ${describe(limits.perMinute)} per minute, ${describe(limits.perDay)} per day`,
        );
      }),
    );
}
