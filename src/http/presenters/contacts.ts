import type { Contact, Group } from '../../domain/contacts/address-book.js';
import { formatUtc } from '../../domain/common/dates.js';

/** The source's field order and JSON types for contacts and groups (contract §4, §5). */

export const ICON_PATH = '/assets/images/contact_icons/default.png';

export interface PresentedGroup {
  id: number;
  group_name: string;
  created_at: string;
  system: 0 | 1;
}

export function presentGroup(group: Group): PresentedGroup {
  return {
    id: group.id,
    group_name: group.name,
    created_at: group.createdAt === null ? '0000-00-00 00:00:00' : formatUtc(group.createdAt),
    system: group.systemKind === null ? 0 : 1,
  };
}

/** A contact as get_contact and post_contact show it; get_contacts adds `created_at` second. */
export function presentContact(
  contact: Contact,
  publicUrl: string,
  withCreatedAt = false,
): Record<string, unknown> {
  return {
    id: contact.id,
    ...(withCreatedAt ? { created_at: formatUtc(contact.createdAt) } : {}),
    number: contact.number ?? '',
    name: contact.name,
    description: contact.description,
    email: contact.email ?? '',
    icon: `${publicUrl}${ICON_PATH}`,
    is_blocked: contact.isBlocked ? 1 : 0,
    user_id: String(contact.userId),
    language: contact.language,
    created_at_unix: Math.floor(contact.createdAt / 1000),
  };
}
