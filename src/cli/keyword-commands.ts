import type { Command } from 'commander';
import { formatUtc } from '../domain/common/dates.js';
import type { Keyword, KeywordParams } from '../domain/keywords/keywords.js';
import type { WithServices } from './command-services.js';
import { emit, parseId } from './output.js';

interface AddOptions {
  account: string;
  id?: string;
  name?: string;
  fr?: string;
  en?: string;
  from?: string;
  frReply?: string;
  enReply?: string;
  group?: string;
  webhook?: string;
  startsAt?: string;
  endsAt?: string;
  replyLimit?: string;
  contest?: string;
}

/** One line per keyword: id, name, variants, number, period, contest. */
function keywordLine(k: Keyword): string {
  const variants = [...k.frVariants.map((v) => `fr:${v}`), ...k.enVariants.map((v) => `en:${v}`)].join(' ');
  const period = `${k.startsAt === null ? '…' : formatUtc(k.startsAt)} → ${k.endsAt === null ? '…' : formatUtc(k.endsAt)}`;
  const contest = k.contest ? '  contest' : '';
  return `${k.id}  ${k.name}  [${variants}]  from ${k.senderNumber ?? 'all'}  ${period}  ${k.matchCount} matches${contest}`;
}

/** What the commands print with --json: the API's own fields, in short. */
function keywordJson(k: Keyword): object {
  return {
    id: k.id,
    name: k.name,
    fr_keywords: k.frVariants,
    en_keywords: k.enVariants,
    from: k.senderNumber,
    contest: k.contest ? 1 : 0,
    matches: k.matchCount,
  };
}

function accountOf(opts: { account: string }): number {
  return parseId(opts.account, 'account id');
}

/**
 * `vudumobile keyword list|add|remove|draw --account N`: an account's keywords from the operator's
 * shell, through the same KeywordService as post_keyword (same checks, same error texts). `add`
 * with `--id` changes a keyword (only the options given change).
 */
export function registerKeywordCommands(program: Command, withServices: WithServices): void {
  const keyword = program
    .command('keyword')
    .description('keywords: auto-replies, groups and contests for the messages listeners text in');
  keyword
    .command('list')
    .description("an account's keywords")
    .requiredOption('--account <id>', 'account id')
    .action((opts: { account: string }) =>
      withServices(async ({ keywords }, out) => {
        const list = await keywords.list(accountOf(opts));
        emit(out, list.map(keywordJson), list.length ? list.map(keywordLine).join('\n') : 'no keyword');
      }),
    );
  keyword
    .command('add')
    .description('create a keyword (or change one with --id); variants comma-separated')
    .requiredOption('--account <id>', 'account id')
    .option('--id <id>', 'the keyword to change')
    .option('--name <label>', 'a label (default: the first variant)')
    .option('--fr <variants>', 'French variants, e.g. "METEO,MÉTÉO"')
    .option('--en <variants>', 'English variants, e.g. "WEATHER"')
    .option('--from <number>', 'the sender number it listens on, or all')
    .option('--fr-reply <text>', 'the auto-reply in French (none clears it)')
    .option('--en-reply <text>', 'the auto-reply in English (none clears it)')
    .option('--group <group>', 'the group the sender joins: id or name (none clears it)')
    .option('--webhook <0|1>', 'queue a keyword webhook event for each match')
    .option('--starts-at <date>', 'active from, YYYY-MM-DD HH:MM:SS UTC (none clears it)')
    .option('--ends-at <date>', 'active until, YYYY-MM-DD HH:MM:SS UTC (none clears it)')
    .option('--reply-limit <n>', 'auto-replies per number per 24 hours (default 1)')
    .option('--contest <0|1>', 'each number texting it is a contest entry')
    .action((opts: AddOptions) =>
      withServices(async ({ keywords }, out) => {
        const params: KeywordParams = {
          ...(opts.id === undefined ? {} : { id: opts.id }),
          ...(opts.name === undefined ? {} : { name: opts.name }),
          ...(opts.fr === undefined ? {} : { fr_keywords: opts.fr }),
          ...(opts.en === undefined ? {} : { en_keywords: opts.en }),
          ...(opts.from === undefined ? {} : { from: opts.from }),
          ...(opts.frReply === undefined ? {} : { fr_reply: opts.frReply }),
          ...(opts.enReply === undefined ? {} : { en_reply: opts.enReply }),
          ...(opts.group === undefined ? {} : { group: opts.group }),
          ...(opts.webhook === undefined ? {} : { webhook: opts.webhook }),
          ...(opts.startsAt === undefined ? {} : { starts_at: opts.startsAt }),
          ...(opts.endsAt === undefined ? {} : { ends_at: opts.endsAt }),
          ...(opts.replyLimit === undefined ? {} : { reply_limit: opts.replyLimit }),
          ...(opts.contest === undefined ? {} : { contest: opts.contest }),
        };
        const saved = await keywords.save(accountOf(opts), params);
        emit(out, keywordJson(saved), `saved: ${keywordLine(saved)}`);
      }),
    );
  keyword
    .command('remove')
    .description('delete a keyword and its contest entries')
    .requiredOption('--account <id>', 'account id')
    .argument('<id>', 'keyword id')
    .action((id: string, opts: { account: string }) =>
      withServices(async ({ keywords }, out) => {
        await keywords.delete(accountOf(opts), id);
        emit(out, { removed: Number(id) }, `keyword ${id} removed`);
      }),
    );
  keyword
    .command('draw')
    .description('draw a contest winner at random among the entries not drawn yet')
    .requiredOption('--account <id>', 'account id')
    .argument('<id>', 'keyword id')
    .action((id: string, opts: { account: string }) =>
      withServices(async ({ keywords }, out) => {
        const winner = await keywords.draw(accountOf(opts), id);
        emit(
          out,
          { number: winner.number, language: winner.language, msg_id: winner.messageId },
          `winner: ${winner.number} (${winner.language}), entered ${formatUtc(winner.createdAt)}`,
        );
      }),
    );
}
