import type { CaslFooterStore } from '../ports/casl-footer-store.js';
import { parseSenderIdentification, type CaslFooter } from './casl-footer.js';

/** What an operator changes of the footer; absent fields keep their value. */
export interface CaslFooterChange {
  readonly on?: boolean;
  readonly fr?: string;
  readonly en?: string;
}

/** The account setting behind `vudumobile account casl-footer`: read, or change and read back. */
export class CaslFooterSettings {
  constructor(private readonly store: CaslFooterStore) {}

  get(accountId: number): Promise<CaslFooter> {
    return this.store.footer(accountId);
  }

  async change(accountId: number, change: CaslFooterChange): Promise<CaslFooter> {
    const current = await this.store.footer(accountId);
    const next: CaslFooter = {
      on: change.on ?? current.on,
      fr: change.fr === undefined ? current.fr : parseSenderIdentification(change.fr),
      en: change.en === undefined ? current.en : parseSenderIdentification(change.en),
    };
    await this.store.setFooter(accountId, next);
    return next;
  }
}
