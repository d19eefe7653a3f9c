import { createReadStream } from 'node:fs';
import type { AppContext } from '../../app-context.js';
import type { ByteSource } from '../../domain/imports/csv-inspect.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { presentImport } from '../presenters/imports.js';

/** A multipart upload's temp file, re-readable from the start. */
function fileSource(path: string): ByteSource {
  return async function* (pieceBytes: number) {
    for await (const piece of createReadStream(path, { highWaterMark: pieceBytes })) {
      if (Buffer.isBuffer(piece)) yield piece;
    }
  };
}

/** Contract §4.4: import_contacts and its get_import extension. */
export function importEndpoints(ctx: AppContext): Endpoint[] {
  const importContacts = defineEndpoint({
    name: 'import_contacts',
    tag: 'contacts',
    summary: 'Import contacts from a CSV file (rows are imported in the background; a report is emailed)',
    params: {
      file: {
        description:
          'The CSV file (multipart upload, up to 50 MB), or in a form body the CSV text itself. UTF-8 or ' +
          'Windows-1252; delimiter , ; or tab; header naming number|numéro|phone|téléphone|cellulaire ' +
          'and/or email|courriel, optionally name|nom, description|notes, language|langue, groups|groupes',
        file: true,
      },
      email: { description: 'A user of the account: receives the report when the import is done' },
      overwrite: {
        description: '1: update contacts that exist (same number or email); 0 (default): skip them',
        enum: ['0', '1'],
      },
      group: {
        description: 'A group (id, or name case-insensitively) the imported contacts join',
        extension: true,
      },
    },
    async handle({ params, files, auth }) {
      const upload = files.file;
      const result = await ctx.imports.start({
        accountId: auth.account.id,
        upload: upload ? fileSource(upload.path) : undefined,
        fileText: params.file,
        email: params.email,
        overwrite: params.overwrite,
        group: params.group,
        fileName: upload?.filename,
      });
      return { status: true, email: result.email, import_id: result.importId };
    },
  });

  const getImport = defineEndpoint({
    name: 'get_import',
    tag: 'contacts',
    summary: 'The state and counts of a CSV import',
    extension: true,
    params: { import_id: { description: 'The import_id import_contacts answered', extension: true } },
    async handle({ params, auth }) {
      const { job, errors } = await ctx.imports.find(auth.account.id, params.import_id);
      return { status: true, import: presentImport(job, errors) };
    },
  });

  return [importContacts, getImport];
}
