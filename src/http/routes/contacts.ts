import type { AppContext } from '../../app-context.js';
import { addContact, modifyContact, requireContact } from '../../domain/contacts/contacts.js';
import { contactKeyRequired, contactReferenceRequired } from '../../domain/errors.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { accountScope, presentContact, presentGroup } from '../presenters/contacts.js';

const TAG = 'Contacts';

const lookupParams = {
  id: { description: 'Contact id (wins over number and email)' },
  number: { description: 'Phone number (normalised: digits, international, no +)', maxLength: 40 },
  email: { description: 'Email address', maxLength: 254 },
} as const;

/** Contract §4.1–4.3: get_contact, post_contact, delete_contact. */
export function contactEndpoints(ctx: AppContext): Endpoint[] {
  const store = ctx.addressBook;
  const publicUrl = ctx.config.publicUrl;
  return [
    defineEndpoint({
      name: 'get_contact',
      tag: TAG,
      summary: 'One contact by id, number or email, with its groups',
      params: lookupParams,
      async handle({ params, auth }) {
        const scope = accountScope(auth.account);
        const contact = await requireContact(store, scope, params, contactKeyRequired);
        const groups = await store.groupsOfContact(scope.id, contact);
        return {
          status: true,
          contact: [{ ...presentContact(contact, publicUrl), groups: groups.map(presentGroup) }],
        };
      },
    }),
    defineEndpoint({
      name: 'post_contact',
      tag: TAG,
      summary: 'Add a contact (no id) or modify one (id given: only the parameters sent change)',
      params: {
        id: { description: 'Contact id: modify this contact' },
        number: lookupParams.number,
        email: lookupParams.email,
        name: { description: 'Name', maxLength: 200 },
        description: { description: 'Description (the _NOTES_ merge field)', maxLength: 1000 },
        language: { description: 'fr or en (default: the account’s default language)', enum: ['fr', 'en'] },
        user_id: { description: 'Id of the account user the contact is associated with (default 0)' },
      },
      async handle({ params, auth }) {
        const scope = accountScope(auth.account);
        const contact =
          params.id !== undefined && params.id !== ''
            ? await modifyContact(store, scope, { ...params, id: params.id })
            : await addContact(store, scope, params, ctx.now());
        return { status: true, contact: [presentContact(contact, publicUrl)] };
      },
    }),
    defineEndpoint({
      name: 'delete_contact',
      tag: TAG,
      summary: 'Delete a contact by id, number or email (its past messages stay)',
      params: lookupParams,
      async handle({ params, auth }) {
        const scope = accountScope(auth.account);
        const contact = await requireContact(store, scope, params, contactReferenceRequired);
        await store.deleteContact(scope.id, contact.id);
        return { status: true };
      },
    }),
  ];
}
