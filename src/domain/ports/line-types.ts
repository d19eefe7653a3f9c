/**
 * What the verification service may learn of a number's line before it chooses SMS or a call:
 * the operator's list and the NPA-NXX blocks (src/store/verification/landlines-repo.ts).
 */

/** A line type as the operator's block files name it (`fixed` is a landline: no SMS). */
export type LineType = 'fixed' | 'mobile' | 'voip' | 'other';

export const LINE_TYPES: readonly LineType[] = ['fixed', 'mobile', 'voip', 'other'];

/** A line-type lookup: from the operator's NPA-NXX blocks, or any other source of line types. */
export interface LineTypeLookup {
  /** The line type of a number (international digits), or undefined when no source knows it. */
  lineType(number: string): Promise<LineType | undefined>;
}

/** A prefix of international digits (`1514555`, `15145551`) and the type of its lines. */
export interface LineTypeBlock {
  readonly prefix: string;
  readonly lineType: LineType;
}

/** A number on the landline list: learnt from a failed SMS, or added by the operator. */
export interface ListedLandline {
  readonly number: string;
  readonly source: 'learnt' | 'operator';
  readonly reason: string;
  readonly createdAt: number;
}

/** What the operator's commands (`vudumobile landline …`) need of the database. */
export interface LandlineStore extends LineTypeLookup {
  /** Adds numbers as the operator's (a learnt number already listed becomes the operator's). */
  addLandlines(numbers: readonly string[], reason: string, now: number): Promise<void>;
  /** Removes numbers from the list, whatever their source; returns those that were listed. */
  removeLandlines(numbers: readonly string[]): Promise<string[]>;
  listLandlines(): Promise<ListedLandline[]>;
  /**
   * Loads blocks in one transaction: `replace` empties the table first. The blocks come in
   * batches; a batch that throws (a bad row) rolls the whole load back.
   */
  importBlocks(
    batches: AsyncIterable<readonly LineTypeBlock[]>,
    options: { readonly replace: boolean; readonly now: number },
  ): Promise<number>;
}
