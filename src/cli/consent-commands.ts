import type { Command } from 'commander';
import { footerText } from '../domain/consent/casl-footer.js';
import { SUPPRESSION_LIMIT_MAX } from '../domain/consent/suppression-service.js';
import { formatUtc } from '../domain/common/dates.js';
import type { CliServices, WithServices } from './command-services.js';
import { CliError, emit, parseId } from './output.js';

/** The account a command acts for, as the address book reads numbers for it. */
async function scopeOf(services: CliServices, raw: string) {
  const id = parseId(raw, '--account');
  const account = await services.accounts.findAccount(id);
  if (!account) throw new CliError(`account ${id} does not exist`);
  return { id, defaultLanguage: account.defaultLanguage, defaultCountry: account.defaultCountry };
}

/** Who acted, in the suppression history: the operator at the command line. */
const CLI_ACTOR = 'operator:cli';

/**
 * `suppression list|show|add|lift --account N`: the CASL suppression list from the command line,
 * each change kept in its history with the reason given.
 */
export function registerSuppressionCommands(program: Command, withServices: WithServices): void {
  const suppression = program.command('suppression').description("an account's suppression list (CASL)");
  suppression
    .command('list')
    .description('suppressed numbers in number order (--csv: all of them, as CSV)')
    .requiredOption('--account <id>', 'account id')
    .option('--limit <n>', `numbers (default 100, at most ${SUPPRESSION_LIMIT_MAX})`)
    .option('--after <number>', 'start after this number (the previous page’s last)')
    .option('--csv', 'print the whole list as CSV')
    .action((opts: { account: string; limit?: string; after?: string; csv?: boolean }) =>
      withServices(async (services, out) => {
        const scope = await scopeOf(services, opts.account);
        if (opts.csv) {
          for await (const lines of services.suppressions.exportCsv(scope.id)) process.stdout.write(lines);
          return;
        }
        const page = await services.suppressions.list(scope.id, opts);
        const rows = page.suppressions.map((s) => ({
          number: s.number,
          reason: s.reason,
          since: formatUtc(s.since),
        }));
        emit(
          out,
          { suppressions: rows, next: page.next ?? null },
          [
            ...rows.map((r) => `${r.number}\t${r.since}\t${r.reason}`),
            ...(page.next ? [`(more: --after ${page.next})`] : []),
          ].join('\n') || '(no suppressed number)',
        );
      }),
    );
  suppression
    .command('show')
    .description("a number's state and history (who, when, why)")
    .argument('<number>', 'phone number')
    .requiredOption('--account <id>', 'account id')
    .action((number: string, opts: { account: string }) =>
      withServices(async (services, out) => {
        const scope = await scopeOf(services, opts.account);
        const { current, history } = await services.suppressions.status(scope, number);
        const lines = history.map(
          (h) => `${formatUtc(h.at)}\t${h.action}\t${h.source}\t${h.actor}\t${h.reason}`,
        );
        emit(
          out,
          { suppressed: current !== undefined, history },
          [
            current ? `suppressed since ${formatUtc(current.since)}: ${current.reason}` : 'not suppressed',
            ...lines,
          ].join('\n'),
        );
      }),
    );
  for (const [name, description] of [
    ['add', 'suppress a number by hand'],
    ['lift', 'lift a suppressed number'],
  ] as const) {
    suppression
      .command(name)
      .description(`${description} (the reason is kept in its history)`)
      .argument('<number>', 'phone number')
      .requiredOption('--account <id>', 'account id')
      .requiredOption('--reason <text>', 'why')
      .action((raw: string, opts: { account: string; reason: string }) =>
        withServices(async (services, out) => {
          const scope = await scopeOf(services, opts.account);
          const params = { number: raw, reason: opts.reason };
          const number =
            name === 'add'
              ? (await services.suppressions.add(scope, params, CLI_ACTOR)).number
              : await services.suppressions.lift(scope, params, CLI_ACTOR);
          const action = name === 'add' ? 'suppressed' : 'lifted';
          emit(out, { number, action }, `${number}: ${action}`);
        }),
      );
  }
}

/**
 * `account consent-default <account> [express|implied]` and `account casl-footer <account> [--on|--off]
 * [--fr TEXT] [--en TEXT]`: the account's CASL settings; without options each prints its value.
 */
export function registerConsentAccountCommands(account: Command, withServices: WithServices): void {
  account
    .command('consent-default')
    .description('show or set the consent type of contacts added without one (express or implied)')
    .argument('<account>', 'account id')
    .argument('[type]', 'express or implied')
    .action((rawAccount: string, type: string | undefined) =>
      withServices(async (services, out) => {
        const { id } = await scopeOf(services, rawAccount);
        if (type !== undefined) await services.consent.setDefaultType(id, type);
        const current = await services.consent.defaultType(id);
        emit(
          out,
          { account: id, consent_default: current },
          `account ${id}: new contacts get ${current} consent`,
        );
      }),
    );
  account
    .command('casl-footer')
    .description('show or set the sender identification and ARRET/STOP line of commercial broadcasts')
    .argument('<account>', 'account id')
    .option('--on', 'append it to commercial broadcasts')
    .option('--off', 'stop appending it')
    .option('--fr <text>', 'sender identification in French (GSM-7 characters)')
    .option('--en <text>', 'sender identification in English (GSM-7 characters)')
    .action((rawAccount: string, opts: { on?: boolean; off?: boolean; fr?: string; en?: string }) =>
      withServices(async (services, out) => {
        const { id } = await scopeOf(services, rawAccount);
        if (opts.on && opts.off) throw new CliError('--on and --off exclude each other');
        const on = opts.on ? true : opts.off ? false : undefined;
        const footer =
          on === undefined && opts.fr === undefined && opts.en === undefined
            ? await services.caslFooter.get(id)
            : await services.caslFooter.change(id, { on, fr: opts.fr, en: opts.en });
        emit(
          out,
          { account: id, ...footer },
          `account ${id}: CASL footer ${footer.on ? 'on' : 'off'}\nfr:${footerText(footer, 'fr').replace(/\n/g, '\n  ')}\nen:${footerText(footer, 'en').replace(/\n/g, '\n  ')}`,
        );
      }),
    );
}
