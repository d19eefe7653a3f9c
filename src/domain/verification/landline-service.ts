import { normalisePhone } from '../common/phone.js';
import type { LandlineStore, ListedLandline } from '../ports/line-types.js';
import { readLineTypeBlocks } from './line-type-blocks.js';

/** A number the operator typed that is not a phone number (in international form or North American). */
export class InvalidLandlineNumber extends Error {}

/**
 * The operator's landlines (`vudumobile landline …`): numbers that get their verification codes by
 * call at once, with no SMS first, and the NPA-NXX blocks whose `fixed` exchanges do too. The list
 * holds the numbers learnt from failed SMS as well (source `learnt`), so the operator sees them and
 * can remove one that became a mobile.
 */
export class LandlineService {
  constructor(
    private readonly store: LandlineStore,
    private readonly now: () => number,
  ) {}

  /** Numbers as the operator writes them (`+1 514 555 0123`, `15145550123`; North America by default). */
  normalise(raw: readonly string[]): string[] {
    return raw.map((input) => {
      const number = normalisePhone(input, 'CA');
      if (!number) throw new InvalidLandlineNumber(`"${input}" is not a valid phone number`);
      return number;
    });
  }

  async add(raw: readonly string[], reason = 'added by the operator'): Promise<string[]> {
    const numbers = this.normalise(raw);
    await this.store.addLandlines(numbers, reason, this.now());
    return numbers;
  }

  /** Removes numbers; returns those that were on the list. */
  remove(raw: readonly string[]): Promise<string[]> {
    return this.store.removeLandlines(this.normalise(raw));
  }

  list(): Promise<ListedLandline[]> {
    return this.store.listLandlines();
  }

  /** Loads an NPA-NXX block file (line-type-blocks.ts), all or nothing; returns the rows loaded. */
  importBlocks(bytes: AsyncIterable<Buffer>, options: { readonly replace: boolean }): Promise<number> {
    return this.store.importBlocks(readLineTypeBlocks(bytes), { replace: options.replace, now: this.now() });
  }
}
