import type { AppContext } from '../../app-context.js';
import { defineEndpoint, type Endpoint, type ParamSpec } from '../endpoint.js';
import { DEFAULT_LIST_ROWS, MAX_LIST_ROWS } from '../../domain/broadcasts/broadcast-list-page.js';
import { presentBroadcastDetail, presentBroadcastItem } from '../presenters/broadcasts.js';

/** Broadcasts (envois massifs), contract §7. */

const TAG = 'Broadcasts';

const broadcastId: ParamSpec = { description: 'The broadcast’s numeric id.', maxLength: 20 };

// Ten GSM-7 parts are 1530 characters; the limit leaves room for merge fields that shrink.
const SMS_TEXT = 4000;
const EMAIL_TEXT = 200_000;

const POST_PARAMS = {
  broadcast: { description: 'Modify this broadcast (only the parameters sent change).', maxLength: 20 },
  name: { description: 'Name of the broadcast (required to add).', maxLength: 200 },
  from_groups: {
    description: 'Target groups: ids or names, comma-separated (required to add).',
    maxLength: 5000,
  },
  rom_groups: {
    description: 'Synonym of from_groups (the 2019 document’s own example spells it so).',
    maxLength: 5000,
  },
  fr_message: {
    description: 'SMS text in French; merge fields _NAME_ _EMAIL_ _NUMBER_ _NOTES_.',
    maxLength: SMS_TEXT,
  },
  en_message: { description: 'SMS text in English; merge fields as fr_message.', maxLength: SMS_TEXT },
  fr_subject: { description: 'Email subject in French.', maxLength: 1000 },
  en_subject: { description: 'Email subject in English.', maxLength: 1000 },
  fr_email: { description: 'Email text in French (plain text).', maxLength: EMAIL_TEXT },
  en_email: { description: 'Email text in English (plain text).', maxLength: EMAIL_TEXT },
  launch_date: {
    description:
      'Start automatically at this time, `YYYY-MM-DD HH:MM:SS`, UTC unless launch_timezone; not in the past.',
    maxLength: 40,
  },
  launch_timezone: {
    description:
      'The IANA zone launch_date is read in (DST-correct; a repeated time is its first occurrence, a skipped one the transition).',
    maxLength: 64,
    extension: true,
  },
  from: {
    description: 'The sender number of this broadcast’s SMS, one of the account’s (default its first).',
    maxLength: 20,
    extension: true,
  },
  commercial: {
    description:
      'CASL: 0 for a non-commercial broadcast, which gets no sender identification footer (default 1).',
    extension: true,
    enum: ['0', '1'],
  },
} satisfies Record<string, ParamSpec>;

export function broadcastEndpoints(ctx: AppContext): Endpoint[] {
  const broadcasts = ctx.broadcasts;
  return [
    defineEndpoint({
      name: 'post_broadcast',
      tag: TAG,
      summary: 'Add a broadcast, or modify a pending one (`broadcast` given)',
      params: POST_PARAMS,
      async handle({ params, auth }) {
        const id = await broadcasts.save(auth.account.id, params);
        return { status: true, broadcast: { id } };
      },
    }),
    defineEndpoint({
      name: 'get_broadcasts',
      tag: TAG,
      summary: 'Every broadcast of the account, newest first, each with the first page of its list',
      params: {
        list_limit: {
          description: `Rows of each broadcast’s list, 0 to ${MAX_LIST_ROWS} (default ${DEFAULT_LIST_ROWS}); read the rest with get_broadcast’s after`,
          extension: true,
          maxLength: 20,
        },
      },
      async handle({ params, auth }) {
        const views = await broadcasts.list(auth.account.id, params);
        const detailed = auth.account.detailedStatus;
        return { status: true, broadcasts: views.map((view) => presentBroadcastItem(view, detailed)) };
      },
    }),
    defineEndpoint({
      name: 'get_broadcast',
      tag: TAG,
      summary: 'One broadcast with a page of its messages',
      params: {
        broadcast: broadcastId,
        limit: {
          description: `Rows of the list, 1 to ${MAX_LIST_ROWS} (default ${DEFAULT_LIST_ROWS})`,
          extension: true,
          maxLength: 20,
        },
        after: {
          description: 'Only rows whose id is above this one: the previous page’s next_after (default 0)',
          extension: true,
          maxLength: 20,
        },
      },
      async handle({ params, auth }) {
        const view = await broadcasts.get(auth.account.id, params);
        return presentBroadcastDetail(view, auth.account.detailedStatus);
      },
    }),
    defineEndpoint({
      name: 'start_broadcast',
      tag: TAG,
      summary: 'Start a pending broadcast now',
      params: { broadcast: broadcastId },
      async handle({ params, auth }) {
        await broadcasts.start(auth.account.id, params.broadcast);
        return { status: true };
      },
    }),
    defineEndpoint({
      name: 'delete_broadcast',
      tag: TAG,
      summary: 'Delete a broadcast; what is still queued is not sent, what was sent stays in the feed',
      params: { broadcast: broadcastId },
      async handle({ params, auth }) {
        await broadcasts.delete(auth.account.id, params.broadcast);
        return { status: true };
      },
    }),
    defineEndpoint({
      name: 'test_broadcast',
      tag: TAG,
      summary: 'Send the rendered broadcast to one contact only, counted nowhere',
      params: {
        broadcast: broadcastId,
        contact: { description: 'The contact: phone number, email or id.', maxLength: 254 },
      },
      async handle({ params, auth }) {
        await broadcasts.test({ id: auth.account.id, defaultCountry: auth.account.defaultCountry }, params);
        return { status: true };
      },
    }),
  ];
}
