import type { AppContext } from '../../app-context.js';
import { invalidFormat } from '../../domain/errors.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { entriesCsv, presentEntry, presentKeyword, presentKeywordDetail } from '../presenters/keywords.js';

const TAG = 'Keywords';
const ID = { description: 'The keyword’s id' };

/** Keywords, auto-replies and contests (extensions, issue #15). */
export function keywordEndpoints(ctx: AppContext): Endpoint[] {
  return [
    defineEndpoint({
      name: 'post_keyword',
      tag: TAG,
      summary: 'Create a keyword (or change one, with id): variants, auto-replies, group, period, contest',
      extension: true,
      params: {
        id: { description: 'The keyword to change; only the parameters sent change' },
        name: { description: 'A label (default: the first variant)', maxLength: 100 },
        fr_keywords: { description: 'French variants, comma-separated (METEO, MÉTÉO)' },
        en_keywords: { description: 'English variants, comma-separated (WEATHER)' },
        from: { description: 'The sender number it listens on, or all (default)' },
        fr_reply: { description: 'The auto-reply in French; none clears it' },
        en_reply: { description: 'The auto-reply in English; none clears it' },
        group: { description: 'The group the sender joins (id or name); none clears it' },
        webhook: { description: '1: queue a keyword webhook event for each match', enum: ['0', '1'] },
        starts_at: { description: 'Active from (YYYY-MM-DD HH:MM:SS UTC); none clears it' },
        ends_at: { description: 'Active until (YYYY-MM-DD HH:MM:SS UTC, exclusive); none clears it' },
        reply_limit: { description: 'Auto-replies per number per 24 hours (default 1; 0: none)' },
        contest: {
          description: '1: each number that texts the keyword is a contest entry',
          enum: ['0', '1'],
        },
      },
      async handle({ params, auth }) {
        const keyword = await ctx.keywords.save(auth.account.id, params);
        return { status: true, keyword: presentKeyword(keyword) };
      },
    }),
    defineEndpoint({
      name: 'get_keywords',
      tag: TAG,
      summary: 'List the account’s keywords',
      extension: true,
      params: {},
      async handle({ auth }) {
        const keywords = await ctx.keywords.list(auth.account.id);
        return { status: true, keywords: keywords.map(presentKeyword) };
      },
    }),
    defineEndpoint({
      name: 'get_keyword',
      tag: TAG,
      summary: 'One keyword with its counts: matches, contest entries, entries drawn',
      extension: true,
      params: { id: ID },
      async handle({ params, auth }) {
        const { keyword, counts } = await ctx.keywords.get(auth.account.id, params.id);
        return { status: true, keyword: presentKeywordDetail(keyword, counts) };
      },
    }),
    defineEndpoint({
      name: 'delete_keyword',
      tag: TAG,
      summary: 'Delete a keyword with its entries; messages already received stay in the feed',
      extension: true,
      params: { id: ID },
      async handle({ params, auth }) {
        await ctx.keywords.delete(auth.account.id, params.id);
        return { status: true };
      },
    }),
    defineEndpoint({
      name: 'get_keyword_entries',
      tag: TAG,
      summary: 'A contest’s entries (one per number), as JSON or as a CSV file',
      extension: true,
      params: { id: ID, format: { description: 'json (default) or csv', enum: ['json', 'csv'] } },
      async handle({ params, auth }) {
        const format = (params.format ?? 'json').trim().toLowerCase();
        if (format !== 'json' && format !== 'csv') throw invalidFormat();
        const { keyword, entries } = await ctx.keywords.entries(auth.account.id, params.id);
        if (format === 'csv') return entriesCsv(keyword, entries);
        return {
          status: true,
          keyword: { id: keyword.id, name: keyword.name },
          entries: entries.map(presentEntry),
        };
      },
    }),
    defineEndpoint({
      name: 'draw_keyword_winner',
      tag: TAG,
      summary: 'Draw a contest winner at random among the entries not drawn yet',
      extension: true,
      params: { id: ID },
      async handle({ params, auth }) {
        const winner = await ctx.keywords.draw(auth.account.id, params.id);
        return { status: true, winner: presentEntry(winner) };
      },
    }),
  ];
}
