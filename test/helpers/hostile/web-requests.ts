import fc from 'fast-check';
import { SESSION_COOKIE } from '../../../src/web/respond.js';
import { encodeBody, type Encoding } from './encoding.js';
import type { AccountFixtures, HostileRequest } from './requests.js';
import { asBytes, hostileValue } from './values.js';

/** A signed-in session of the attacking account's admin on the web platform. */
export interface WebSession {
  readonly sessionToken: string;
  readonly csrf: string;
}

/**
 * The web platform's form actions (src/web/pages). Left out: /sign-out and /language, which would
 * only end or change the session the rest of the campaign uses, and an API key's edit and revoke
 * forms, which would revoke or fence off the key the API half of the campaign sends with.
 */
const WEB_FORMS = [
  '/broadcasts',
  '/broadcasts/:id',
  '/broadcasts/:id/cancel',
  '/broadcasts/:id/start',
  '/broadcasts/:id/test',
  '/broadcasts/:id/unschedule',
  '/contacts/:id',
  '/contacts/:id/block',
  '/contacts/:id/delete',
  '/contacts/:id/groups/add',
  '/contacts/:id/groups/remove',
  '/contacts/bulk',
  '/contacts/new',
  '/developers/keys',
  '/developers/webhooks',
  '/developers/webhooks/:id/delete',
  '/groups',
  '/groups/:id/delete',
  '/groups/:id/members/:id/remove',
  '/groups/:id/rename',
  '/imports',
  '/imports/:id/cancel',
  '/imports/:id/start',
  '/inbox/:id/reply',
  '/password/forgot',
  '/profile',
  '/profile/password',
  '/send',
  '/settings',
  '/settings/senders',
  '/settings/senders/remove',
  '/settings/users/:id/invite',
  '/settings/users/:id/remove',
  '/settings/users/:id/role',
  '/settings/users/invite',
  '/sign-in',
  '/invitation/:id',
  '/password/reset/:id',
];

const FIELD_NAMES = [
  'name',
  'number',
  'email',
  'description',
  'language',
  'group',
  'groups',
  'group_id',
  'ids',
  'contact_ids',
  'message',
  'to',
  'from',
  'role',
  'password',
  'current_password',
  'url',
  'events',
  'allow',
  'country',
  'subject',
  'text',
  'launch_date',
  'action',
  'overwrite',
  '__proto__',
];

/** Form posts to every web form action as the signed-in admin, ids of both accounts in path and body. */
export function hostileWebRequests(
  session: WebSession,
  own: AccountFixtures,
  foreign: AccountFixtures,
): fc.Arbitrary<HostileRequest> {
  const idPool = [own, foreign].flatMap((f) => [
    ...f.contactIds,
    ...f.groupIds,
    ...f.broadcastIds,
    ...f.importIds,
    ...f.webhookIds,
    ...f.numbers,
  ]);
  const pathId = fc.oneof(
    { arbitrary: fc.constantFrom(...idPool, '1', '2', '3', '4'), weight: 5 },
    {
      arbitrary: fc.constantFrom('0', '-1', '99999999999999999999', "1'--", 'x', '%C3%28', '%00'),
      weight: 1,
    },
  );
  const plausible = [...idPool, own.userEmail, foreign.userEmail, 'fr', 'en', 'admin', 'member', 'Fuzz'];
  const value = fc.oneof(
    { arbitrary: fc.constantFrom(...plausible).map(asBytes), weight: 1 },
    { arbitrary: hostileValue, weight: 1 },
  );
  return fc
    .record({
      form: fc.constantFrom(...WEB_FORMS),
      ids: fc.array(pathId, { minLength: 2, maxLength: 2 }),
      fields: fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES), value), { maxLength: 6 }),
      csrf: fc.oneof(
        { arbitrary: fc.constant(session.csrf), weight: 8 },
        { arbitrary: fc.constantFrom('', 'x', session.csrf.slice(1)), weight: 1 },
      ),
      encoding: fc.constantFrom<Encoding>('form', 'form', 'form', 'multipart', 'json', 'multipart-broken'),
      boundary: fc.constantFrom('b0', 'fuzz-boundary', 'X'),
    })
    .map(({ form, ids, fields, csrf, encoding, boundary }): HostileRequest => {
      let nth = 0;
      const path = form.replace(/:id/g, () => ids[nth++] ?? '1');
      const wire = encodeBody(encoding, fields, new Set(['file']), boundary);
      const body = wire.body ?? Buffer.alloc(0);
      return {
        method: 'POST',
        path,
        headers: {
          ...wire.headers,
          cookie: `${SESSION_COOKIE}=${session.sessionToken}`,
          'x-csrf-token': csrf,
          'content-length': String(body.length),
        },
        body,
        label: `POST web ${form} ${encoding}`,
        web: true,
      };
    });
}
