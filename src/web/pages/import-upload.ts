import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import type { ByteSource } from '../../domain/imports/csv-inspect.js';
import { DomainError, invalidRequestBody, invalidUtf8, requestBodyTooLarge } from '../../domain/errors.js';
import { MULTIPART_FILE_LIMIT } from '../../http/endpoint.js';

/** The upload form's fields, and its file spooled to a temporary file (removed by `dispose`). */
export interface ImportUpload {
  readonly fields: ReadonlyMap<string, string>;
  readonly file: { readonly source: ByteSource; readonly name: string } | undefined;
  dispose(): Promise<void>;
}

const FIELDS = new Set(['group', 'overwrite', 'email']);

/**
 * Reads the import form (multipart): the same file size limit as import_contacts, one file, a few
 * short fields. Busboy's complaints about a malformed body become invalid_request_body, as in the API.
 */
export async function readImportUpload(request: FastifyRequest): Promise<ImportUpload> {
  const fields = new Map<string, string>();
  let dir: string | undefined;
  let file: ImportUpload['file'];
  const dispose = async (): Promise<void> => {
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  if (!request.isMultipart()) return { fields, file: undefined, dispose };
  try {
    for await (const part of request.parts({
      limits: { fileSize: MULTIPART_FILE_LIMIT, fieldSize: 16 * 1024, files: 1, fields: 20 },
    })) {
      if (part.type === 'field') {
        if (!FIELDS.has(part.fieldname) || typeof part.value !== 'string') continue;
        if (part.value.includes('\uFFFD')) throw invalidUtf8();
        if (part.valueTruncated) throw requestBodyTooLarge();
        fields.set(part.fieldname, part.value);
        continue;
      }
      if (part.fieldname !== 'file' || file) {
        part.file.resume();
        continue;
      }
      dir = await mkdtemp(join(tmpdir(), 'vudumobile-upload-'));
      const path = join(dir, 'upload');
      await pipeline(part.file, createWriteStream(path));
      if (part.file.truncated) throw requestBodyTooLarge();
      // A form submitted with no file chosen sends an empty part with an empty name.
      if (part.file.bytesRead > 0 || part.filename !== '') {
        file = { source: fileSource(path), name: part.filename };
      }
    }
  } catch (error) {
    await dispose();
    if (error instanceof DomainError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw requestBodyTooLarge();
    }
    throw invalidRequestBody();
  }
  return { fields, file, dispose };
}

/** A spooled upload, re-readable from the start (the checks read it several times). */
function fileSource(path: string): ByteSource {
  return async function* (pieceBytes: number) {
    for await (const piece of createReadStream(path, { highWaterMark: pieceBytes })) {
      if (Buffer.isBuffer(piece)) yield piece;
    }
  };
}
