import type { ExistingContact, PlannedInsert, PlannedUpdate, ResolvedGroup } from '../ports/import-store.js';
import {
  ROW_REASONS,
  type ContactDraft,
  type GroupRef,
  type Language,
  type RejectedRow,
} from './import-rows.js';

/** What a batch's rows mean against the contacts that exist, computed without touching the database. */
export interface BatchPlan {
  readonly inserts: readonly PlannedInsert[];
  /** Group ids each insert joins, by the insert's index. */
  readonly insertGroups: readonly (readonly number[])[];
  /** The file line that created each insert, by the insert's index (the consent log's evidence). */
  readonly insertLines: readonly number[];
  readonly updates: readonly PlannedUpdate[];
  /**
   * The numbers and emails the updates give existing contacts that did not have them, each with the
   * line that gave it (the consent log's entries: one address each, the other null).
   */
  readonly addedAddresses: readonly AddedAddress[];
  /** Existing contacts that join groups (also skipped ones: a list imported into a group lands there). */
  readonly existingGroups: ReadonlyMap<number, readonly number[]>;
  readonly blockIds: readonly number[];
  readonly rejected: readonly RejectedRow[];
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
}

export interface PlanSettings {
  readonly overwrite: boolean;
  readonly defaultLanguage: Language;
  /** The import's `group` parameter, when given. */
  readonly importGroup: ResolvedGroup | undefined;
  readonly groupsById: ReadonlyMap<number, ResolvedGroup>;
  /** Keyed by lower-cased name. */
  readonly groupsByName: ReadonlyMap<string, ResolvedGroup>;
}

export interface AddedAddress {
  readonly number: string | null;
  readonly email: string | null;
  readonly line: number;
}

/** A contact the batch touches: one that exists, or one it creates (`insertIndex`). */
interface Entry {
  readonly id: number | undefined;
  readonly insertIndex: number | undefined;
  /** The line that created an insert. */
  line?: number;
  number: string | null;
  email: string | null;
  /** An existing contact's number and email before the batch. */
  readonly stored: { readonly number: string | null; readonly email: string | null };
  /** The line that gave the contact its number, its email (when an overwrite changed them). */
  numberLine?: number;
  emailLine?: number;
  name: string | undefined;
  description: string | undefined;
  language: Language | undefined;
  timeZone: string | undefined;
  overwritten: boolean;
  block: boolean;
  groupIds: Set<number> | undefined;
}

const newEntry = (
  id: number | undefined,
  insertIndex: number | undefined,
  number: string | null,
  email: string | null,
): Entry => ({
  id,
  insertIndex,
  number,
  email,
  stored: { number, email },
  name: undefined,
  description: undefined,
  language: undefined,
  timeZone: undefined,
  overwritten: false,
  block: false,
  groupIds: undefined,
});

function resolveRefs(refs: readonly GroupRef[], settings: PlanSettings): ResolvedGroup[] | number {
  const groups: ResolvedGroup[] = [];
  for (const ref of refs) {
    const group =
      'id' in ref ? settings.groupsById.get(ref.id) : settings.groupsByName.get(ref.name.toLowerCase());
    if (!group) return 'id' in ref ? ref.id : 0;
    groups.push(group);
  }
  return groups;
}

/**
 * Plans a batch as if its rows were applied one after the other: a row whose number or email is
 * already taken — by an existing contact or by an earlier row of the same file — is that contact,
 * skipped without `overwrite`, updated with it; so a number twice in a file makes one contact.
 * Keys taken during the batch stay taken until its end, which keeps every write of the batch free of
 * unique-constraint clashes whatever order the database applies them in.
 */
export function planBatch(
  drafts: readonly ContactDraft[],
  existing: readonly ExistingContact[],
  settings: PlanSettings,
): BatchPlan {
  const byNumber = new Map<string, Entry>();
  const byEmail = new Map<string, Entry>();
  for (const contact of existing) {
    const entry = newEntry(contact.id, undefined, contact.number, contact.email);
    if (contact.number !== null) byNumber.set(contact.number, entry);
    if (contact.email !== null) byEmail.set(contact.email, entry);
  }
  const inserts: Entry[] = [];
  const rejected: RejectedRow[] = [];
  let updated = 0;
  let skipped = 0;

  for (const draft of drafts) {
    const groups = resolveRefs(draft.groups, settings);
    if (typeof groups === 'number') {
      rejected.push({ line: draft.line, reason: `group ${groups} not found` });
      continue;
    }
    const byItsNumber = draft.number === null ? undefined : byNumber.get(draft.number);
    const byItsEmail = draft.email === null ? undefined : byEmail.get(draft.email);
    let target = byItsNumber ?? byItsEmail;
    if (byItsNumber && byItsEmail && byItsNumber !== byItsEmail && settings.overwrite) {
      rejected.push({ line: draft.line, reason: ROW_REASONS.twoContacts });
      continue;
    }
    if (!target) {
      target = newEntry(undefined, inserts.length, draft.number, draft.email);
      target.name = draft.name;
      target.description = draft.description;
      target.language = draft.language;
      target.timeZone = draft.timeZone;
      target.line = draft.line;
      inserts.push(target);
    } else if (settings.overwrite) {
      overwrite(target, draft);
      updated++;
    } else {
      skipped++;
    }
    if (target.number !== null) byNumber.set(target.number, target);
    if (target.email !== null) byEmail.set(target.email, target);
    for (const group of settings.importGroup ? [...groups, settings.importGroup] : groups) {
      // Tous holds every contact already; Blocked is the contact's is_blocked flag, not a membership.
      if (group.systemKind === 'blocked') target.block = true;
      else if (group.systemKind === null) (target.groupIds ??= new Set()).add(group.id);
    }
  }
  return toPlan(inserts, [...new Set([...byNumber.values(), ...byEmail.values()])], rejected, {
    settings,
    updated,
    skipped,
  });
}

/** Overwrite: the non-empty cells replace the contact's values; empty cells leave them. */
function overwrite(target: Entry, draft: ContactDraft): void {
  if (draft.number !== null && draft.number !== target.number) {
    target.number = draft.number;
    target.numberLine = draft.line;
  }
  if (draft.email !== null && draft.email !== target.email) {
    target.email = draft.email;
    target.emailLine = draft.line;
  }
  if (draft.name !== undefined) target.name = draft.name;
  if (draft.description !== undefined) target.description = draft.description;
  if (draft.language !== undefined) target.language = draft.language;
  if (draft.timeZone !== undefined) target.timeZone = draft.timeZone;
  target.overwritten = true;
}

function toPlan(
  inserts: readonly Entry[],
  touched: readonly Entry[],
  rejected: RejectedRow[],
  tally: { settings: PlanSettings; updated: number; skipped: number },
): BatchPlan {
  const updates: PlannedUpdate[] = [];
  const addedAddresses: AddedAddress[] = [];
  const existingGroups = new Map<number, number[]>();
  const blockIds: number[] = [];
  for (const entry of touched) {
    if (entry.id === undefined) continue;
    if (entry.overwritten) {
      updates.push({
        id: entry.id,
        number: entry.number ?? undefined,
        email: entry.email ?? undefined,
        name: entry.name,
        description: entry.description,
        language: entry.language,
        timeZone: entry.timeZone,
      });
      // A number set back to what the contact had (a later line undoing an earlier one) is no new one.
      if (entry.number !== null && entry.number !== entry.stored.number) {
        addedAddresses.push({ number: entry.number, email: null, line: entry.numberLine ?? 0 });
      }
      if (entry.email !== null && entry.email !== entry.stored.email) {
        addedAddresses.push({ number: null, email: entry.email, line: entry.emailLine ?? 0 });
      }
    }
    if (entry.groupIds) existingGroups.set(entry.id, [...entry.groupIds]);
    if (entry.block) blockIds.push(entry.id);
  }
  return {
    inserts: inserts.map((entry) => ({
      number: entry.number,
      email: entry.email,
      name: entry.name ?? '',
      description: entry.description ?? '',
      language: entry.language ?? tally.settings.defaultLanguage,
      blocked: entry.block,
      timeZone: entry.timeZone ?? null,
    })),
    insertGroups: inserts.map((entry) => (entry.groupIds ? [...entry.groupIds] : [])),
    insertLines: inserts.map((entry) => entry.line ?? 0),
    updates,
    addedAddresses,
    existingGroups,
    blockIds,
    rejected,
    created: inserts.length,
    updated: tally.updated,
    skipped: tally.skipped,
  };
}
