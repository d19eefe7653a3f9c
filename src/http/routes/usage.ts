import type { AppContext } from '../../app-context.js';
import { USAGE_MAX_DAYS } from '../../domain/usage/usage.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { presentUsage, usageCsv } from '../presenters/usage.js';

/** get_usage (extension): what the carrier bills, per local day or month. */
export function usageEndpoints(ctx: AppContext): Endpoint[] {
  return [
    defineEndpoint({
      name: 'get_usage',
      tag: 'Usage',
      extension: true,
      summary:
        'SMS parts (sent and received) and emails per day or month, by broadcast if asked; JSON or CSV',
      params: {
        from_date: { description: 'First local day, `YYYY-MM-DD` (required)', maxLength: 20 },
        to_date: {
          description: `Last local day, \`YYYY-MM-DD\` (default today); at most ${USAGE_MAX_DAYS} days in all`,
          maxLength: 20,
        },
        period: { description: '`day` (default) or `month`', enum: ['day', 'month'], maxLength: 10 },
        pref_timezone: {
          description: 'IANA time zone of the days (default UTC), as get_feed',
          maxLength: 64,
        },
        by: {
          description: '`broadcast`: one row per period and broadcast',
          enum: ['broadcast'],
          maxLength: 20,
        },
        format: { description: '`json` (default) or `csv`', enum: ['json', 'csv'], maxLength: 10 },
      },
      async handle({ params, auth }) {
        const report = await ctx.usage.report(auth.account.id, params);
        if (report.query.format === 'json') return presentUsage(report);
        const name = `usage-${report.query.fromDate}-${report.query.toDate}.csv`;
        return usageCsv(report, name);
      },
    }),
  ];
}
