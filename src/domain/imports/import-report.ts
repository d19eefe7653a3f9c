import { formatUtc } from '../common/dates.js';
import type { ImportJob } from '../ports/import-store.js';
import type { Language, RejectedRow } from './import-rows.js';

/** How many rejection reasons an import keeps and its report lists (contract §4.4). */
export const REPORTED_ERRORS = 100;

/**
 * How many rejected rows an import keeps, with their values, for the downloadable error report (the
 * web page). Every rejected row is counted; past this many only the count grows.
 */
export const KEPT_ERRORS = 100_000;

export interface ImportReport {
  readonly subject: string;
  readonly text: string;
}

const TEXTS = {
  fr: {
    completed: (id: number) => `Importation de contacts n° ${id} terminée`,
    failed: (id: number) => `Importation de contacts n° ${id} échouée`,
    intro: (id: number, at: string) => `L'importation de contacts n° ${id} s'est terminée le ${at} UTC.`,
    failure: 'Elle a échoué :',
    rowsRead: 'Lignes lues',
    created: 'Contacts créés',
    updated: 'Contacts mis à jour',
    skipped: 'Ignorés (doublons)',
    rejected: 'Lignes rejetées',
    reasons: (n: number) => `Lignes rejetées (les ${n} premières) :`,
    line: 'ligne',
  },
  en: {
    completed: (id: number) => `Contact import #${id} completed`,
    failed: (id: number) => `Contact import #${id} failed`,
    intro: (id: number, at: string) => `Contact import #${id} finished on ${at} UTC.`,
    failure: 'It failed:',
    rowsRead: 'Rows read',
    created: 'Contacts created',
    updated: 'Contacts updated',
    skipped: 'Skipped (duplicates)',
    rejected: 'Rows rejected',
    reasons: (n: number) => `Rejected rows (the first ${n}):`,
    line: 'line',
  },
} as const;

/** The email the report address receives when an import is done, in the account's language. */
export function renderImportReport(
  job: ImportJob,
  errors: readonly RejectedRow[],
  language: Language,
): ImportReport {
  const t = TEXTS[language];
  const failed = job.status === 'failed';
  const lines = [t.intro(job.id, formatUtc(job.finishedAt ?? job.createdAt)), ''];
  if (failed) lines.push(`${t.failure} ${job.error ?? ''}`, '');
  lines.push(
    `${t.rowsRead}: ${job.counts.rowsRead}`,
    `${t.created}: ${job.counts.created}`,
    `${t.updated}: ${job.counts.updated}`,
    `${t.skipped}: ${job.counts.skipped}`,
    `${t.rejected}: ${job.counts.rejected}`,
  );
  const shown = errors.slice(0, REPORTED_ERRORS);
  if (shown.length > 0) {
    lines.push('', t.reasons(REPORTED_ERRORS));
    for (const error of shown) lines.push(`  ${t.line} ${error.line}: ${error.reason}`);
  }
  return { subject: failed ? t.failed(job.id) : t.completed(job.id), text: lines.join('\n') + '\n' };
}
