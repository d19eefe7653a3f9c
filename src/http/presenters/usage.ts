import { CsvAnswer } from '../csv-answer.js';
import type { UsageCounts, UsageReport, UsageRow } from '../../domain/usage/usage.js';

/**
 * get_usage's answer (extension). Counts are JSON numbers, as get_feed's; a broadcast id is a string
 * as in §7's objects, null for single sends, inbound and API email. The CSV carries the same columns.
 */

function counts(c: UsageCounts) {
  return {
    mt_messages: c.mtMessages,
    mt_parts: c.mtParts,
    mo_messages: c.moMessages,
    mo_parts: c.moParts,
    emails: c.emails,
  };
}

function row(r: UsageRow, byBroadcast: boolean) {
  return {
    period: r.period,
    ...(byBroadcast ? { broadcast: r.broadcastId === null ? null : String(r.broadcastId) } : {}),
    ...counts(r),
  };
}

export function presentUsage(report: UsageReport) {
  const { query } = report;
  return {
    status: true,
    period: query.period,
    from_date: query.fromDate,
    to_date: query.toDate,
    pref_timezone: query.timeZone,
    usage: report.rows.map((r) => row(r, query.byBroadcast)),
    totals: counts(report.totals),
  };
}

/** The CSV: one header line, one line per row. */
export function usageCsv(report: UsageReport, fileName: string): CsvAnswer {
  const by = report.query.byBroadcast;
  const header = [
    'period',
    ...(by ? ['broadcast'] : []),
    'mt_messages',
    'mt_parts',
    'mo_messages',
    'mo_parts',
    'emails',
  ];
  return CsvAnswer.fromRows(fileName, [
    header,
    ...report.rows.map((r) => [
      r.period,
      ...(by ? [r.broadcastId] : []),
      r.mtMessages,
      r.mtParts,
      r.moMessages,
      r.moParts,
      r.emails,
    ]),
  ]);
}
