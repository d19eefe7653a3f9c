import type { CaslFooter } from '../consent/casl-footer.js';

/** The account's CASL footer setting (accounts.casl_footer_*). */
export interface CaslFooterStore {
  footer(accountId: number): Promise<CaslFooter>;
  setFooter(accountId: number, footer: CaslFooter): Promise<void>;
}
