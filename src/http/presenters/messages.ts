import { renderStatusMt } from '../../domain/messages/feed.js';
import type { ZonedFormatter } from '../../domain/common/timezone.js';
import type { FeedRow, SendOutcome } from '../../domain/messages/outbound.js';

/** A get_feed message object: field order and JSON types exactly as contract §3.1 shows them. */
export interface FeedMessage {
  msg_id: number;
  direction: 'mo' | 'mt';
  from: string;
  to: string;
  message: string;
  datetime: string;
  part_count: number;
  status_mt?: string;
}

export function presentFeedMessage(
  row: FeedRow,
  formatter: ZonedFormatter,
  detailedStatuses: boolean,
): FeedMessage {
  const message: FeedMessage = {
    msg_id: row.id,
    direction: row.direction,
    from: row.from_number,
    to: row.to_number,
    message: row.body,
    datetime: formatter.format(row.created_at),
    part_count: row.part_count,
  };
  if (row.direction === 'mt') message.status_mt = renderStatusMt(row, detailedStatuses);
  return message;
}

/** send's answer: `{"status": true, "msg_id": N}` plus the part_count and encoding extensions. */
export function presentSent(outcome: Extract<SendOutcome, { id: number }>): object {
  return { status: true, msg_id: outcome.id, part_count: outcome.partCount, encoding: outcome.encoding };
}

/** send_email's answer: `{"status": true, "msg_id": N}`. */
export function presentQueuedEmail(id: number): object {
  return { status: true, msg_id: id };
}
