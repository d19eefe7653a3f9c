import { Readable } from 'node:stream';
import type { AppContext } from '../../app-context.js';
import type { Group } from '../../domain/contacts/address-book.js';
import type { AddressBookService } from '../../domain/contacts/address-book-service.js';
import { notAWholeNumber } from '../../domain/errors.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { presentContact, presentGroup } from '../presenters/contacts.js';

const TAG = 'Groups';
const PAGE = 1000;

const membershipParams = {
  group: { description: 'Group id (all digits) or name (case-insensitive)', maxLength: 200 },
  contact: { description: 'Contact number, email or id', maxLength: 254 },
} as const;

function parseLimit(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw.trim())) throw notAWholeNumber(name);
  return Number(raw.trim());
}

/**
 * Every member, streamed page by page so a group of a million contacts never sits in memory:
 * `{"status":true,"group":{…},"contacts":[…]}` written as the pages are read.
 */
function streamMembers(
  addressBook: AddressBookService,
  accountId: number,
  group: Group,
  publicUrl: string,
): Readable {
  async function* chunks(): AsyncGenerator<string> {
    yield `{"status":true,"group":${JSON.stringify(presentGroup(group))},"contacts":[`;
    let afterId = 0;
    let first = true;
    for (;;) {
      const page = await addressBook.membersPage(accountId, group, afterId, PAGE);
      if (page.length === 0) break;
      const json = page.map((c) => JSON.stringify(presentContact(c, publicUrl, true))).join(',');
      yield first ? json : `,${json}`;
      first = false;
      afterId = page[page.length - 1]?.id ?? afterId;
      if (page.length < PAGE) break;
    }
    yield ']}';
  }
  return Readable.from(chunks());
}

/** Contract §5: the group endpoints, with the system groups Tous and Blocked. */
export function groupEndpoints(ctx: AppContext): Endpoint[] {
  const addressBook = ctx.addressBook;
  const publicUrl = ctx.config.publicUrl;
  return [
    defineEndpoint({
      name: 'get_groups',
      tag: TAG,
      summary: 'Every group of the account, system groups first',
      params: {},
      async handle({ auth }) {
        const groups = await addressBook.listGroups(auth.account.id);
        return { status: true, groups: groups.map(presentGroup) };
      },
    }),
    defineEndpoint({
      name: 'get_contacts',
      tag: TAG,
      summary: 'The members of a group',
      params: {
        group: membershipParams.group,
        limit: { description: 'At most this many contacts (default: all)', extension: true },
        offset: { description: 'Skip this many contacts first', extension: true },
      },
      async handle({ params, auth, request }) {
        const group = await addressBook.findGroup(auth.account.id, params.group);
        const limit = parseLimit(params.limit, 'limit');
        const offset = parseLimit(params.offset, 'offset') ?? 0;
        if (limit === undefined && offset === 0) {
          request.server.log.debug({ group: group.id }, 'streaming group members');
          return streamMembers(addressBook, auth.account.id, group, publicUrl);
        }
        const members = [];
        let afterId = 0;
        let skip = offset;
        const wanted = Math.min(limit ?? Number.MAX_SAFE_INTEGER, 100_000);
        while (members.length < wanted) {
          const page = await addressBook.membersPage(auth.account.id, group, afterId, PAGE);
          if (page.length === 0) break;
          afterId = page[page.length - 1]?.id ?? afterId;
          const usable = page.slice(Math.min(skip, page.length));
          skip = Math.max(0, skip - page.length);
          members.push(...usable.slice(0, wanted - members.length));
          if (page.length < PAGE) break;
        }
        return {
          status: true,
          group: presentGroup(group),
          contacts: members.map((c) => presentContact(c, publicUrl, true)),
        };
      },
    }),
    defineEndpoint({
      name: 'post_group',
      tag: TAG,
      summary: 'Add a group (group_name) or rename one (group_id + group_name)',
      params: {
        group_name: {
          description: 'The group’s name (unique per account, case-insensitive)',
          maxLength: 200,
        },
        group_id: { description: 'Id of the group to rename' },
      },
      async handle({ params, auth }) {
        const group = await addressBook.saveGroup(auth.account.id, params);
        return { status: true, group: presentGroup(group) };
      },
    }),
    defineEndpoint({
      name: 'add_group_contact',
      tag: TAG,
      summary: 'Add a contact to a group (idempotent; adding to Blocked blocks the contact)',
      params: membershipParams,
      async handle({ params, auth }) {
        await addressBook.addToGroup(auth.account, params);
        return { status: true };
      },
    }),
    defineEndpoint({
      name: 'delete_group_contact',
      tag: TAG,
      summary: 'Remove a contact from a group (removing from Blocked unblocks it)',
      params: membershipParams,
      async handle({ params, auth }) {
        await addressBook.removeFromGroup(auth.account, params);
        return { status: true };
      },
    }),
    defineEndpoint({
      name: 'delete_group',
      tag: TAG,
      summary: 'Delete a group; its contacts are kept',
      params: { group: membershipParams.group },
      async handle({ params, auth }) {
        await addressBook.deleteGroup(auth.account.id, params.group);
        return { status: true };
      },
    }),
  ];
}
