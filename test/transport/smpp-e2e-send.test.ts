/**
 * End to end through the platform: `send` over HTTP → dispatcher → SMPP client → SMSC simulator over
 * TCP, the bytes the SMSC received, and the receipts coming back to get_feed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RECEIPT_CODES, type ReceiptState } from '../../src/domain/messages/receipt-status.js';
import type { SubmittedPdu } from '../../src/transport/smsc-sim/smsc-sim.js';
import { messageRow } from '../helpers/messages.js';
import { waitUntil } from '../helpers/smpp.js';
import { sendSms, startSmppPlatform, waitForFinal, type SmppPlatform } from '../helpers/smpp-platform.js';

const SENDER = '15149541234';

/** The parts the SMSC accepted for one destination, in sequence order. */
function partsTo(platform: SmppPlatform, to: string): SubmittedPdu[] {
  const parts = platform.sims[0]?.submitted.filter((pdu) => pdu.destinationAddr === to) ?? [];
  return parts.sort((a, b) => (a.udh?.[5] ?? 0) - (b.udh?.[5] ?? 0));
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

describe('send through the platform to the SMSC simulator', () => {
  let platform: SmppPlatform;
  before(async () => {
    platform = await startSmppPlatform([{}]);
  });
  after(() => platform.close());

  it('sends a single GSM-7 part unpacked with data_coding 0, and get_feed shows it delivered', async () => {
    const to = '15145550001';
    const id = await sendSms(platform.server, to, 'Hello @ é €');
    const feed = await waitForFinal(platform.server, [id]);
    const [part, ...extra] = partsTo(platform, to);
    assert.equal(extra.length, 0);
    assert.ok(part);
    assert.equal(part.dataCoding, 0);
    assert.equal(part.esmClass & 0x40, 0, 'no UDH');
    assert.equal(part.sourceAddr, SENDER);
    assert.equal(part.registeredDelivery & 0x01, 1, 'a receipt is asked for');
    // GSM 03.38, one septet per octet: "@" is 0x00, "é" 0x05, "€" the escape 0x1B then 0x65.
    assert.deepEqual(
      part.shortMessage,
      Buffer.from([0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x00, 0x20, 0x05, 0x20, 0x1b, 0x65]),
    );
    assert.deepEqual(feed.get(id), {
      msg_id: id,
      direction: 'mt',
      from: SENDER,
      to,
      message: 'Hello @ é €',
      datetime: feed.get(id)?.datetime,
      part_count: 1,
      status_mt: 'DELIVRD_000',
    });
  });

  it('splits a long GSM-7 message into UDH parts of 153 septets with one 8-bit reference', async () => {
    const to = '15145550002';
    const text = Array.from({ length: 40 }, (_, i) => `w${String(i).padStart(3, '0')}`).join(' '); // 199 chars
    const id = await sendSms(platform.server, to, text);
    const feed = await waitForFinal(platform.server, [id]);
    const parts = partsTo(platform, to);
    assert.equal(parts.length, 2);
    const reference = parts[0]?.udh?.[3];
    parts.forEach((part, index) => {
      assert.equal(part.dataCoding, 0);
      assert.equal(part.esmClass & 0x40, 0x40, 'UDHI set');
      assert.deepEqual(part.udh, Buffer.from([0x05, 0x00, 0x03, reference ?? -1, 2, index + 1]));
    });
    const bodies = parts.map((part) => part.shortMessage.subarray(6));
    assert.equal(bodies[0]?.length, 153);
    assert.equal(Buffer.concat(bodies).toString('latin1'), text); // letters, digits, space: same octets
    assert.equal(feed.get(id)?.part_count, 2);
    assert.equal(feed.get(id)?.status_mt, 'DELIVRD_000');
    assert.equal((await messageRow(platform.server.platform.store.db, id)).status, 'delivered');
  });

  it('sends UCS-2 as UTF-16BE with data_coding 8, alone and in parts of 67 characters', async () => {
    const short = { to: '15145550003', text: 'Ça coûte 5 € — 👍' };
    const long = { to: '15145550004', text: 'Łódź – naïve café ✓ '.repeat(7) }; // 140 UTF-16 units
    const ids = [await sendSms(platform.server, short.to, short.text)];
    ids.push(await sendSms(platform.server, long.to, long.text));
    const feed = await waitForFinal(platform.server, ids);

    const [single] = partsTo(platform, short.to);
    assert.equal(single?.dataCoding, 8);
    assert.equal((single?.esmClass ?? 0) & 0x40, 0);
    assert.deepEqual(single?.shortMessage, utf16be(short.text));

    const parts = partsTo(platform, long.to);
    assert.equal(parts.length, 3);
    const reference = parts[0]?.udh?.[3];
    parts.forEach((part, index) => {
      assert.equal(part.dataCoding, 8);
      assert.deepEqual(part.udh, Buffer.from([0x05, 0x00, 0x03, reference ?? -1, 3, index + 1]));
    });
    assert.deepEqual(
      parts.map((part) => part.shortMessage.length - 6),
      [134, 134, 12],
    );
    assert.deepEqual(Buffer.concat(parts.map((part) => part.shortMessage.subarray(6))), utf16be(long.text));
    assert.deepEqual(
      ids.map((id) => [feed.get(id)?.part_count, feed.get(id)?.status_mt, feed.get(id)?.message]),
      [
        [1, 'DELIVRD_000', short.text],
        [3, 'DELIVRD_000', long.text],
      ],
    );
  });
});

/** The receipt's stat: for each state of the contract's table. */
const STAT_OF: Record<ReceiptState, string> = {
  DELIVERED: 'DELIVRD',
  ACCEPTED: 'ACCEPTD',
  EXPIRED: 'EXPIRED',
  UNDELIVERABLE: 'UNDELIV',
  UNKNOWN: 'UNKNOWN',
};

/** Every row of contract §6's table, then the other final states of SMPP v3.4 (§5.2.28). */
const OUTCOMES = [
  ...RECEIPT_CODES.map((code) => ({ stat: STAT_OF[code.state], err: code.code, weight: 1 })),
  { stat: 'REJECTD', err: '000', weight: 1 },
  { stat: 'DELETED', err: '000', weight: 1 },
];

describe('receipts of every state reaching get_feed', () => {
  let platform: SmppPlatform;
  before(async () => {
    platform = await startSmppPlatform([{ sim: { outcomes: OUTCOMES, receiptDelayMs: 20 } }]);
  });
  after(() => platform.close());

  it('shows <stat>_<err> for each and sets delivered (DELIVRD, ACCEPTD) or failed (the rest)', async () => {
    assert.equal(
      RECEIPT_CODES.length,
      29,
      'the contract table: 000 twice, 101–105, 200–206, 250–254, 259, 300–307, 399',
    );
    const server = platform.server;
    const numbers = OUTCOMES.map((_, i) => `1514556${String(i).padStart(4, '0')}`);
    const ids = await Promise.all(numbers.map((to, i) => sendSms(server, to, `receipt case ${i}`)));
    const feed = await waitForFinal(server, ids);

    // The simulator gives the n-th accepted submit the n-th outcome: which one a number got depends
    // on the dispatcher's order, so read it back from what the SMSC accepted.
    const sim = platform.sims[0];
    assert.ok(sim);
    assert.equal(sim.submitted.length, OUTCOMES.length);
    // The feed shows a receipt once committed; its deliver_sm_resp reaches the simulator just after.
    await waitUntil(() => sim.stats.receiptsAcked === OUTCOMES.length, 'every receipt acknowledged');
    const db = server.platform.store.db;
    const seen = new Set<string>();
    for (const [n, pdu] of sim.submitted.entries()) {
      const outcome = OUTCOMES[n];
      assert.ok(outcome);
      const id = ids[numbers.indexOf(pdu.destinationAddr)] ?? -1;
      const expected = `${outcome.stat}_${outcome.err}`;
      seen.add(expected);
      assert.equal(feed.get(id)?.status_mt, expected, `message to ${pdu.destinationAddr}`);
      const row = await messageRow(db, id);
      const delivered = outcome.stat === 'DELIVRD' || outcome.stat === 'ACCEPTD';
      assert.equal(row.status, delivered ? 'delivered' : 'failed', expected);
    }
    assert.equal(seen.size, OUTCOMES.length, 'every state and code was exercised');
  });
});
