import type { Kysely } from 'kysely';
import type { CaslFooter } from '../../domain/consent/casl-footer.js';
import type { CaslFooterStore } from '../../domain/ports/casl-footer-store.js';
import type { Database } from '../schema.js';
import type { Executor } from '../transaction.js';

const OFF: CaslFooter = { on: false, fr: '', en: '' };

/** The account's CASL footer (off for an account that does not exist). */
export async function readCaslFooter(db: Executor, accountId: number): Promise<CaslFooter> {
  const row = await db
    .selectFrom('accounts')
    .select(['casl_footer_on', 'casl_footer_fr', 'casl_footer_en'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row) return OFF;
  return { on: Number(row.casl_footer_on) === 1, fr: row.casl_footer_fr ?? '', en: row.casl_footer_en ?? '' };
}

export class KyselyCaslFooterStore implements CaslFooterStore {
  constructor(private readonly db: Kysely<Database>) {}

  footer(accountId: number): Promise<CaslFooter> {
    return readCaslFooter(this.db, accountId);
  }

  async setFooter(accountId: number, footer: CaslFooter): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({ casl_footer_on: footer.on ? 1 : 0, casl_footer_fr: footer.fr, casl_footer_en: footer.en })
      .where('id', '=', accountId)
      .execute();
  }
}
