import type { AppContext } from '../../app-context.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { presentContact, presentGroup } from '../presenters/contacts.js';

const TAG = 'Contacts';

const lookupParams = {
  id: { description: 'Contact id (wins over number and email)' },
  number: { description: 'Phone number (normalised: digits, international, no +)', maxLength: 40 },
  email: { description: 'Email address', maxLength: 254 },
} as const;

/** Contract §4.1–4.3: get_contact, post_contact, delete_contact. */
export function contactEndpoints(ctx: AppContext): Endpoint[] {
  const addressBook = ctx.addressBook;
  const publicUrl = ctx.config.publicUrl;
  return [
    defineEndpoint({
      name: 'get_contact',
      tag: TAG,
      summary: 'One contact by id, number or email, with its groups',
      params: lookupParams,
      async handle({ params, auth }) {
        const { contact, groups } = await addressBook.getContact(auth.account, params);
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
        consent_type: {
          description:
            'CASL consent of a new contact, or of a number or email added to one: express or implied (default: the account’s setting)',
          extension: true,
          enum: ['express', 'implied'],
        },
        consent_evidence: {
          // The domain's limit is 500 once trimmed; the edge's is wider so its error names the limit.
          description:
            'What proves the consent (a form, a purchase…), kept in the consent log; 500 characters at most',
          extension: true,
        },
        timezone: {
          description:
            'IANA time zone (America/Vancouver) the quiet hours of broadcasts are read in for this contact, over its area code’s; empty clears it',
          extension: true,
          maxLength: 64,
        },
      },
      async handle({ params, auth }) {
        const contact = await addressBook.saveContact(auth.account, params, {
          source: 'api',
          evidence: `post_contact (API key ${auth.keyId})`,
        });
        return { status: true, contact: [presentContact(contact, publicUrl)] };
      },
    }),
    defineEndpoint({
      name: 'delete_contact',
      tag: TAG,
      summary: 'Delete a contact by id, number or email (its past messages stay)',
      params: lookupParams,
      async handle({ params, auth }) {
        await addressBook.deleteContact(auth.account, params);
        return { status: true };
      },
    }),
  ];
}
