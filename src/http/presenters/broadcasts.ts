import { formatUtc } from '../../domain/common/dates.js';
import type { BroadcastView } from '../../domain/broadcasts/broadcast-service.js';
import type { BroadcastMessage, BroadcastTexts } from '../../domain/broadcasts/broadcasts.js';
import { renderStatusMt } from '../../domain/messages/feed.js';

/**
 * Broadcasts as the 2019 document prints them (contract §7): ids and counters are strings, dates
 * `YYYY-MM-DD HH:MM:SS` UTC or null, `list` null before the start. Field order follows the source.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A `list` row; every field is a string or null, as the source shows. */
export interface BroadcastListRow {
  [key: string]: string | null;
  id: string;
  direction: string;
  number: string;
  user_id: string;
  contact: string;
  message: string;
  dt: string;
  delivered_at: string | null;
  status_mt: string;
  replied_at: string | null;
  user_id_replied: string;
  deleted: string;
  is_kw: string;
  part_count: string;
  read: string;
  flag: string;
}

export function presentListRow(message: BroadcastMessage, detailed: boolean): BroadcastListRow {
  return {
    id: String(message.id),
    direction: 'mt',
    // In the source's rows `number` is the sending number and `contact` the recipient's.
    number: message.fromNumber,
    // The source writes -1 for messages no web user sent (a broadcast); the web platform has none yet.
    user_id: '-1',
    contact: message.toNumber,
    message: message.body,
    dt: formatUtc(message.createdAt),
    delivered_at:
      message.status === 'delivered' && message.doneAt !== null ? formatUtc(message.doneAt) : null,
    // The same rendering as get_feed's (contract §3.1).
    status_mt: renderStatusMt({ status: message.status, detailed_status: message.detailedStatus }, detailed),
    // Inbox fields of the web platform, which this API does not track for outbound broadcast rows.
    replied_at: null,
    user_id_replied: '0',
    deleted: '0',
    is_kw: '0',
    part_count: String(message.partCount),
    read: '1',
    flag: '0',
  };
}

/** The texts, in the source's order, each present only when set. */
export function presentTexts(texts: BroadcastTexts): Record<string, string> {
  const out: Record<string, string> = {};
  const fields: [string, string | null][] = [
    ['fr_message', texts.frMessage],
    ['en_message', texts.enMessage],
    ['fr_email', texts.frEmail],
    ['en_email', texts.enEmail],
    ['fr_subject', texts.frSubject],
    ['en_subject', texts.enSubject],
  ];
  for (const [name, value] of fields) if (value !== null) out[name] = value;
  return out;
}

const date = (ms: number | null): string | null => (ms === null ? null : formatUtc(ms));

/** The fields every broadcast object carries, up to and including from_groups. */
function presentHead(view: BroadcastView): Record<string, Json> {
  const { broadcast: b, counters: c } = view;
  return {
    id: String(b.id),
    number_sent: String(c.sent),
    number_failed: String(c.failed),
    number_delivered: String(c.delivered),
    number_total: String(b.smsTotal),
    launch_date: date(b.launchDate),
    end_date: date(b.endDate),
    name: b.name,
    // The fr text, else the en text; "" for an email-only broadcast.
    message: b.texts.frMessage ?? b.texts.enMessage ?? '',
    broadcast_status: b.status,
    from_groups: [...b.groupNames],
  };
}

/** Extension: the broadcast's emails, counted like its SMS. */
function presentEmailCounters(view: BroadcastView): Record<string, Json> {
  return {
    email_total: String(view.broadcast.emailTotal),
    email_sent: String(view.counters.emailSent),
    email_failed: String(view.counters.emailFailed),
  };
}

/** Extensions, present only when set: the zone launch_date was given in, the chosen sender. */
function presentSchedule(view: BroadcastView): Record<string, Json> {
  const { launchTimeZone, fromNumber } = view.broadcast;
  return {
    ...(launchTimeZone === null ? {} : { launch_timezone: launchTimeZone }),
    ...(fromNumber === null ? {} : { from: fromNumber }),
  };
}

function presentList(view: BroadcastView, detailed: boolean): BroadcastListRow[] | null {
  return view.messages === null ? null : view.messages.map((m) => presentListRow(m, detailed));
}

/**
 * Extension: where a list cut short goes on (get_broadcast's `after`), a string id like the rows'.
 * Absent when the page holds the rest of the list, so a list that fits answers as the source prints it.
 */
function presentNextAfter(view: BroadcastView): Record<string, Json> {
  return view.nextAfter == null ? {} : { next_after: String(view.nextAfter) };
}

/** One element of get_broadcasts' `broadcasts`: everything inside the object. */
export function presentBroadcastItem(view: BroadcastView, detailed: boolean): Record<string, Json> {
  return {
    ...presentHead(view),
    list: presentList(view, detailed),
    ...presentNextAfter(view),
    ...presentTexts(view.broadcast.texts),
    ...presentEmailCounters(view),
    ...presentSchedule(view),
  };
}

/** get_broadcast's answer: `list` and the texts beside `broadcast`, as the source prints it. */
export function presentBroadcastDetail(view: BroadcastView, detailed: boolean): Record<string, Json> {
  return {
    status: true,
    broadcast: { ...presentHead(view), ...presentEmailCounters(view), ...presentSchedule(view) },
    list: presentList(view, detailed),
    ...presentNextAfter(view),
    ...presentTexts(view.broadcast.texts),
  };
}
