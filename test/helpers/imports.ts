import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiResponse } from './server.js';

/** Where a server listens and the key to call it with. */
export interface Target {
  readonly url: string;
  readonly key: string;
}

/** get_import's object. */
export interface ImportState {
  id: number;
  status: 'pending' | 'running' | 'completed' | 'failed';
  rows_read: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  errors: { line: number; reason: string }[];
  created_at: string;
  finished_at: string | null;
}

async function answer(response: Response): Promise<ApiResponse> {
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** import_contacts as `curl -F file=@contacts.csv -F email=…` sends it: multipart with a file part. */
export async function uploadCsv(
  target: Target,
  file: string | Uint8Array | undefined,
  params: Record<string, string>,
): Promise<ApiResponse> {
  const form = new FormData();
  if (file !== undefined) form.set('file', new Blob([file]), 'contacts.csv');
  for (const [name, value] of Object.entries(params)) form.set(name, value);
  return answer(
    await fetch(`${target.url}/api/import_contacts`, {
      method: 'POST',
      headers: { 'VUDUMOBILE-API-KEY': target.key },
      body: form,
    }),
  );
}

export async function getImport(target: Target, importId: string): Promise<ApiResponse> {
  return answer(
    await fetch(`${target.url}/api/get_import`, {
      method: 'POST',
      headers: { 'VUDUMOBILE-API-KEY': target.key, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ import_id: importId }).toString(),
    }),
  );
}

/** Polls get_import until the import is completed or failed. */
export async function waitForImport(
  target: Target,
  importId: number,
  timeoutMs = 120_000,
): Promise<ImportState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await getImport(target, String(importId));
    assert.equal(status, 200, JSON.stringify(body));
    const state = body.import as ImportState;
    if (state.status === 'completed' || state.status === 'failed') return state;
    if (Date.now() > deadline) throw new Error(`import ${importId} still ${state.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One email the sandbox transport wrote: headers and the decoded text part. */
export interface OutboxEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

function decodeWord(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([^?]+)\?=/g, (_, b64: string) =>
    Buffer.from(b64, 'base64').toString('utf8'),
  );
}

/** Reads every .eml under `<dir>/outbox`, oldest first. */
export async function readOutbox(dir: string): Promise<OutboxEmail[]> {
  const outbox = join(dir, 'outbox');
  const names = (await readdir(outbox).catch(() => [])).filter((n) => n.endsWith('.eml')).sort();
  const emails: OutboxEmail[] = [];
  for (const name of names) {
    const raw = await readFile(join(outbox, name), 'utf8');
    const [head = '', ...rest] = raw.split('\r\n\r\n');
    const header = (field: string): string =>
      decodeWord(new RegExp(`^${field}: (.*)$`, 'm').exec(head)?.[1]?.trim() ?? '');
    emails.push({
      to: header('To'),
      subject: header('Subject'),
      text: Buffer.from(rest.join('\r\n\r\n').replace(/\s+/g, ''), 'base64').toString('utf8'),
    });
  }
  return emails;
}

/** `count` rows of distinct, valid Montréal numbers from 514-200-0000 on, with a name and an email. */
export function generatedCsv(count: number, first = 0): string {
  const lines = ['number,name,email'];
  for (let i = first; i < first + count; i++)
    lines.push(`514${2_000_000 + i},Contact ${i},c${i}@example.com`);
  return `${lines.join('\n')}\n`;
}

/**
 * The report emails of one import in `<dir>/outbox`, once at least one is there: the importer
 * queues the report when the import completes and the email dispatcher sends it a moment later.
 */
export async function reportsOf(dir: string, importId: number, timeoutMs = 10_000): Promise<OutboxEmail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reports = (await readOutbox(dir)).filter((e) => e.subject.includes(`n° ${importId} `));
    if (reports.length > 0 || Date.now() > deadline) return reports;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
