import type { ImportAccount, ImportBatchTx, ImportCounts, Membership } from '../ports/import-store.js';
import { isRejected, type ContactDraft, type RejectedRow } from './import-rows.js';
import { planBatch, type BatchPlan } from './import-plan.js';
import { consentEntries } from '../consent/consent.js';
import type { ConsentEntry } from '../ports/consent-log.js';

export interface BatchSettings {
  readonly account: ImportAccount;
  readonly overwrite: boolean;
  /** The import's `group` parameter (resolved again each batch: it may have been deleted since). */
  readonly importGroupId: number | null;
  /** The line of the batch's last record: the checkpoint once the batch is committed. */
  readonly lastLine: number;
  /** The fields of the batch's record ending on `line`, kept with a rejected row for the error report. */
  readonly valuesOf?: (line: number) => readonly string[] | undefined;
  /** CASL: what the consent log says of each created contact or new address (`import 12 (list.csv)`), and when. */
  readonly consent?: { readonly evidence: string; readonly at: number };
}

/**
 * Applies one batch of read rows inside the batch's transaction, set-based: one lookup of the
 * numbers and emails, one multi-row insert, one multi-row update, one insert of memberships, then
 * the progress (checkpoint, counters, reasons) in the same transaction — so a batch counts exactly
 * once, whenever the process dies.
 */
export async function applyBatch(
  tx: ImportBatchTx,
  rows: readonly (ContactDraft | RejectedRow)[],
  settings: BatchSettings,
): Promise<ImportCounts> {
  const drafts: ContactDraft[] = [];
  const rejected: RejectedRow[] = [];
  for (const row of rows) {
    if (isRejected(row)) rejected.push(row);
    else drafts.push(row);
  }

  const groupIds = new Set<number>(settings.importGroupId === null ? [] : [settings.importGroupId]);
  const groupNames = new Map<string, string>();
  for (const draft of drafts) {
    for (const ref of draft.groups) {
      if ('id' in ref) groupIds.add(ref.id);
      else if (!groupNames.has(ref.name.toLowerCase())) groupNames.set(ref.name.toLowerCase(), ref.name);
    }
  }
  const groups =
    groupIds.size > 0 || groupNames.size > 0
      ? await tx.resolveGroups([...groupIds], [...groupNames.values()])
      : { byId: new Map(), byName: new Map() };

  const numbers = drafts.flatMap((d) => (d.number === null ? [] : [d.number]));
  const emails = drafts.flatMap((d) => (d.email === null ? [] : [d.email]));
  const existing = drafts.length > 0 ? await tx.findContacts(numbers, emails) : [];
  const plan = planBatch(drafts, existing, {
    overwrite: settings.overwrite,
    defaultLanguage: settings.account.defaultLanguage,
    importGroup: settings.importGroupId === null ? undefined : groups.byId.get(settings.importGroupId),
    groupsById: groups.byId,
    groupsByName: groups.byName,
  });

  const memberships: Membership[] = [];
  let lostToConcurrentWriter = 0;
  const ids = plan.inserts.length > 0 ? await tx.insertContacts(plan.inserts) : [];
  ids.forEach((id, index) => {
    if (id === undefined) lostToConcurrentWriter++;
    else for (const groupId of plan.insertGroups[index] ?? []) memberships.push({ contactId: id, groupId });
  });
  for (const [contactId, ids] of plan.existingGroups) {
    for (const groupId of ids) memberships.push({ contactId, groupId });
  }
  if (settings.consent) await tx.recordConsent(importConsent(plan, ids, settings.account, settings.consent));
  if (plan.updates.length > 0) await tx.updateContacts(plan.updates);
  if (memberships.length > 0) await tx.addMemberships(memberships);
  if (plan.blockIds.length > 0) await tx.blockContacts(plan.blockIds);

  const valuesOf = settings.valuesOf;
  const reasons = [...rejected, ...plan.rejected]
    .sort((a, b) => a.line - b.line)
    .map((row) => (valuesOf ? { ...row, values: valuesOf(row.line) ?? [] } : row));
  const counts: ImportCounts = {
    rowsRead: rows.length,
    // A row whose number or email another writer took between our lookup and our insert is a duplicate.
    created: plan.created - lostToConcurrentWriter,
    updated: plan.updated,
    skipped: plan.skipped + lostToConcurrentWriter,
    rejected: reasons.length,
  };
  await tx.recordProgress({ checkpointLine: settings.lastLine, counts, errors: reasons });
  return counts;
}

/**
 * One grant per created contact's number and email, and per number or email an update gives a
 * contact that did not have it; the evidence names the import and the line.
 */
function importConsent(
  plan: BatchPlan,
  ids: readonly (number | undefined)[],
  account: ImportAccount,
  consent: { readonly evidence: string; readonly at: number },
): ConsentEntry[] {
  const grant = (addresses: { number: string | null; email: string | null }, line: number) =>
    consentEntries(account.id, addresses, {
      action: 'granted',
      type: account.consentType,
      at: consent.at,
      source: 'import',
      evidence: `${consent.evidence} line ${line}`,
    });
  const created = plan.inserts.flatMap((insert, index) =>
    ids[index] === undefined
      ? [] // taken by a concurrent writer: not created by this import
      : grant(insert, plan.insertLines[index] ?? 0),
  );
  return [...created, ...plan.addedAddresses.flatMap((added) => grant(added, added.line))];
}
