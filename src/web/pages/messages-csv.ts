import { ZonedFormatter } from '../../domain/common/timezone.js';
import type { HistoryRow } from '../../domain/messages/message-history.js';
import type { WebState } from '../web-state.js';
import { statusTexts } from './message-status.js';
import { csvLine } from '../../domain/common/csv-cell.js';

/**
 * The filtered messages as CSV, streamed a page of rows at a time: a UTF-8 BOM so Excel reads the
 * accents, the header in the reader's language, dates as `YYYY-MM-DD HH:MM:SS` in their time zone.
 * French uses `;`, the list separator of a French-Canadian Excel (which splits on nothing else).
 */
export async function* historyCsv(web: WebState, pages: AsyncIterable<HistoryRow[]>): AsyncGenerator<string> {
  const { t, lang } = web.i18n;
  const d = lang === 'fr' ? ';' : ',';
  const dates = new ZonedFormatter(web.i18n.timeZone);
  const line = (fields: readonly string[]): string => csvLine(fields, d);
  yield (
    '\uFEFF' +
    line([
      'msg_id',
      t('history.col.when'),
      t('history.col.direction'),
      t('history.col.from'),
      t('history.col.to'),
      t('history.col.status'),
      t('history.col.detail'),
      t('history.col.name'),
      t('history.col.action'),
      t('history.col.parts'),
      t('history.col.message'),
    ])
  );
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows) {
      const status = statusTexts(web, row);
      chunk += line([
        String(row.id),
        dates.format(row.created_at),
        t(row.direction === 'mo' ? 'history.dir.mo' : 'history.dir.mt'),
        row.from_number,
        row.to_number,
        status.label,
        status.code,
        status.meaning,
        status.action,
        String(row.part_count),
        row.body,
      ]);
    }
    yield chunk;
  }
}
