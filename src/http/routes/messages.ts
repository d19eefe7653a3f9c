import type { AppContext } from '../../app-context.js';
import { parseFeedQuery } from '../../domain/messages/feed.js';
import { parseSendRequest } from '../../domain/messages/send-request.js';
import { ZonedFormatter } from '../../domain/common/timezone.js';
import { BODY_LIMIT } from '../app.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { presentFeedMessage, presentSent } from '../presenters/messages.js';

/** send and get_feed (contract §3.1, §3.2). */
export function messageEndpoints(ctx: AppContext): Endpoint[] {
  const send = defineEndpoint({
    name: 'send',
    tag: 'Messages',
    summary: 'Send an SMS',
    params: {
      to: { description: 'Recipient phone number (11 digits with the 1 prefix for North America)' },
      message: {
        description: 'Text of the SMS; up to 10 parts (1530 GSM-7 or 670 UCS-2 characters)',
        // Up to the body limit: longer texts get the contract's "too long" error, not the generic one.
        maxLength: BODY_LIMIT,
      },
      from: { description: 'One of the account’s sender numbers (default: the first)', extension: true },
      idempotency_key: {
        description: 'Within 24 h, the same key answers the first msg_id and sends nothing',
        extension: true,
        maxLength: 200,
      },
    },
    async handle({ params, auth }) {
      const request = parseSendRequest(params, auth.account.defaultCountry);
      return presentSent(await ctx.messaging.send(auth.account.id, request));
    },
  });

  const getFeed = defineEndpoint({
    name: 'get_feed',
    tag: 'Messages',
    summary: 'Messages since a date',
    params: {
      date_start: { description: 'YYYY-MM-DD HH:MM:SS in pref_timezone; messages at or after it' },
      pref_timezone: { description: 'IANA time zone of date_start and of every datetime (default UTC)' },
      direction: { description: 'mo (default) or mt; all (extension) for both', enum: ['mo', 'mt', 'all'] },
      since_id: { description: 'Only messages with a greater msg_id (a lossless cursor)', extension: true },
      limit: {
        description: 'At most this many messages, oldest first (default and maximum 10000)',
        extension: true,
      },
    },
    async handle({ params, auth }) {
      const query = parseFeedQuery(params);
      const rows = await ctx.messaging.feed(auth.account.id, query);
      const formatter = new ZonedFormatter(query.timeZone);
      const detailed = auth.account.detailedStatus;
      return rows.map((row) => presentFeedMessage(row, formatter, detailed));
    },
  });

  return [send, getFeed];
}
