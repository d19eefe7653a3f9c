import { inspectCsv, type ByteSource } from './csv-inspect.js';
import {
  csvUnreadable,
  fileRequired,
  groupNotFound,
  importNotFound,
  invalidOverwrite,
  missingParameter,
  reportEmailNotAUser,
} from '../errors.js';
import type { ImportJob, ImportStore } from '../ports/import-store.js';
import { REPORTED_ERRORS } from './import-report.js';
import type { RejectedRow } from './import-rows.js';

export interface ImportRequest {
  readonly accountId: number;
  /** A multipart upload, re-readable from its start. */
  readonly upload: ByteSource | undefined;
  /** The `file` parameter as text (form-encoded style). */
  readonly fileText: string | undefined;
  readonly email: string | undefined;
  readonly overwrite: string | undefined;
  readonly group: string | undefined;
  /** The uploaded file's name as the client sent it, if any. */
  readonly fileName?: string | undefined;
  readonly now: number;
}

/** A file name fit to show: no control characters, at most 255 characters; null when nothing is left. */
export function cleanFileName(raw: string | undefined): string | null {
  const name = (raw ?? '')
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 255);
  return name === '' ? null : name;
}

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** The text of a form field as a source of bytes. */
export function textSource(text: string): ByteSource {
  return async function* (pieceBytes: number) {
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; at += pieceBytes) yield bytes.subarray(at, at + pieceBytes);
  };
}

/**
 * import_contacts: the checks in the contract's order, then the upload stored whole, in chunks of
 * `chunkBytes` (committed before the answer); the rows are imported by the background importer.
 */
export async function startImport(
  store: ImportStore,
  request: ImportRequest,
  chunkBytes: number,
  draft = false,
): Promise<{ email: string; importId: number }> {
  if (!request.upload && !present(request.fileText)) throw fileRequired();
  if (!present(request.email)) throw missingParameter('email');
  const email = request.email.trim();
  const reportEmail = await store.findUserEmail(request.accountId, email);
  if (reportEmail === undefined) throw reportEmailNotAUser(email);

  let source = request.upload;
  if (!source) {
    const text = request.fileText ?? '';
    // `file=abc.csv` names a file on the client's disk; the server has no file by that name to read.
    if (!/[\r\n]/.test(text)) throw csvUnreadable();
    source = textSource(text);
  }
  const { header, rowCount, ...layout } = await inspectCsv(source);

  const overwrite = request.overwrite?.trim() ?? '';
  if (overwrite !== '' && overwrite !== '0' && overwrite !== '1') throw invalidOverwrite();
  let groupId: number | null = null;
  if (present(request.group)) {
    const raw = request.group.trim();
    const group = await store.findGroup(
      request.accountId,
      /^\d+$/.test(raw) ? { id: /^\d{1,15}$/.test(raw) ? Number(raw) : 0 } : { name: raw },
    );
    if (!group) throw groupNotFound();
    groupId = group.id;
  }

  const importId = await store.createImport(
    {
      accountId: request.accountId,
      reportEmail,
      overwrite: overwrite === '1',
      groupId,
      ...layout,
      fileName: cleanFileName(request.fileName),
      header,
      rowsTotal: rowCount,
      draft,
    },
    source(chunkBytes),
    request.now,
  );
  return { email, importId };
}

/** get_import: the import of this account, with its first reasons; another account's is not found. */
export async function findImport(
  store: ImportStore,
  accountId: number,
  rawId: string | undefined,
): Promise<{ job: ImportJob; errors: RejectedRow[] }> {
  if (!present(rawId)) throw missingParameter('import_id');
  const id = /^\d{1,15}$/.test(rawId.trim()) ? Number(rawId.trim()) : 0;
  const job = await importOfAccount(store, accountId, id);
  return { job, errors: await store.listErrors(job.id, REPORTED_ERRORS) };
}

/** The account's import by id; another account's (or none) is not found. */
export async function importOfAccount(store: ImportStore, accountId: number, id: number): Promise<ImportJob> {
  const job = id > 0 ? await store.findImport(accountId, id) : undefined;
  if (!job) throw importNotFound();
  return job;
}
