import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { carrierIdKeys } from '../../src/domain/sms/carrier-id.js';
import { parseReceipt } from '../../src/transport/smpp/receipt.js';
import { startSmscSim, type SmscSim } from '../../src/transport/smsc-sim/smsc-sim.js';
import type { Outcome } from '../../src/transport/smsc-sim/sim-messages.js';
import type { DeliveryReceipt } from '../../src/domain/ports/transports.js';
import { sms, smppUrl, startTransport, waitUntil, type TransportUnderTest } from '../helpers/smpp.js';

/** Every state and error code of the contract's table (§6; the provider's 2019 document). */
const TABLE: ReadonlyArray<readonly [string, string]> = [
  ['DELIVRD', '000'],
  ['ACCEPTD', '000'],
  ...['101', '102', '103', '306'].map((err) => ['EXPIRED', err] as const),
  ...['104', '105', '200', '201', '202', '203', '204', '205', '206', '250', '251', '252', '253', '254', '259']
    .concat(['300', '301', '302', '303', '304', '305', '307'])
    .map((err) => ['UNDELIV', err] as const),
  ['UNKNOWN', '399'],
];

describe('SMPP delivery receipts reach onReceipt', () => {
  let sim: SmscSim;
  let under: TransportUnderTest;
  before(async () => {
    const outcomes: Outcome[] = TABLE.map(([stat, err]) => ({ stat, err, weight: 1 }));
    sim = await startSmscSim({ receiptDelayMs: 0, outcomes });
    under = await startTransport(smppUrl(sim.port));
  });
  after(async () => {
    await under.transport.close();
    await sim.close();
  });

  it('for every state of the status table, with the carrier id of the submit', async () => {
    const submitted: string[] = [];
    // One at a time: the simulator hands outcomes out in acceptance order.
    for (let i = 0; i < TABLE.length; i++) {
      const { carrierIds } = await under.transport.submit(
        sms(`1514555${String(i).padStart(4, '0')}`, [`m${i}`]),
      );
      submitted.push(carrierIds[0] ?? '');
    }
    await waitUntil(() => under.receipts.length === TABLE.length, 'every receipt');
    const byId = new Map(under.receipts.map((r) => [r.carrierId, r]));
    TABLE.forEach(([stat, err], i) => {
      const receipt = byId.get(submitted[i] ?? '');
      assert.ok(receipt, `a receipt for ${submitted[i]}`);
      assert.deepEqual([receipt.stat, receipt.err], [stat, err], `receipt ${i}`);
      assert.equal(typeof receipt.doneAt, 'number');
    });
    await waitUntil(() => sim.stats.receiptsAcked === TABLE.length, 'every receipt acknowledged');
    assert.equal(sim.stats.deliverErrors, 0);
  });
});

describe('carrier ids written in another base by the receipt', () => {
  for (const idFormat of ['hex', 'decimal'] as const) {
    it(`match the ${idFormat} submit id through carrierIdKeys`, async () => {
      const sim = await startSmscSim({
        receiptDelayMs: 0,
        idFormat,
        receiptIdInOtherBase: true,
        receiptTlvs: false,
      });
      const under = await startTransport(smppUrl(sim.port));
      try {
        const { carrierIds } = await under.transport.submit(sms('15145550100', ['hello']));
        await waitUntil(() => under.receipts.length === 1, 'the receipt');
        const submitId = carrierIds[0] ?? '';
        const receiptId = under.receipts[0]?.carrierId ?? '';
        assert.notEqual(receiptId, submitId, 'the simulator wrote the other base');
        assert.ok(carrierIdKeys(receiptId).includes(submitId), `${receiptId} → ${carrierIdKeys(receiptId)}`);
        if (idFormat === 'hex') assert.equal(receiptId, String(Number.parseInt(submitId, 16)));
        else assert.equal(receiptId, Number(submitId).toString(16));
      } finally {
        await under.transport.close();
        await sim.close();
      }
    });
  }
});

describe('receipt held until onReceipt resolves', () => {
  it('answers a failed onReceipt with a temporary error; the SMSC delivers it again', async () => {
    const sim = await startSmscSim({ receiptDelayMs: 0, retryDelayMs: 50 });
    let calls = 0;
    const stored: DeliveryReceipt[] = [];
    const under = await startTransport(smppUrl(sim.port), {
      handlers: {
        onReceipt: async (receipt) => {
          calls++;
          if (calls === 1) throw new Error('database is locked');
          stored.push(receipt);
        },
      },
    });
    try {
      const { carrierIds } = await under.transport.submit(sms('15145550101', ['hello']));
      await waitUntil(() => stored.length === 1, 'the receipt stored on the second delivery');
      assert.equal(stored[0]?.carrierId, carrierIds[0]);
      assert.equal(sim.stats.deliverErrors, 1);
      assert.equal(sim.stats.receiptsSent, 2);
      await waitUntil(() => sim.stats.receiptsAcked === 1, 'the acknowledgement');
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });
});

describe('parseReceipt', () => {
  const text =
    'id:0000A1F sub:001 dlvrd:001 submit date:2401311200 done date:2401311201 stat:DELIVRD err:000 text:Hi';

  it('reads the text form, normalising the id', () => {
    assert.deepEqual(parseReceipt({ text }), {
      carrierId: 'a1f',
      stat: 'DELIVRD',
      err: '000',
      doneAt: Date.UTC(2024, 0, 31, 12, 1),
    });
  });

  it('prefers the receipted_message_id TLV for the id, the text for stat and err', () => {
    const receipt = parseReceipt({ text, receiptedMessageId: 'B2C3', messageState: 5 });
    assert.deepEqual([receipt?.carrierId, receipt?.stat, receipt?.err], ['b2c3', 'DELIVRD', '000']);
  });

  it('falls back to message_state and network_error_code without text', () => {
    const receipt = parseReceipt({
      text: '',
      receiptedMessageId: '77',
      messageState: 5,
      networkErrorCode: Buffer.from([3, 0x01, 0x2c]),
    });
    assert.deepEqual(receipt, { carrierId: '77', stat: 'UNDELIV', err: '300' });
  });

  it('accepts long stat spellings, upper-case keys and short err codes; stops at text:', () => {
    const receipt = parseReceipt({ text: 'Id:12 Stat:UNDELIVERABLE Err:5 text: stat:DELIVRD err:000' });
    assert.deepEqual(receipt, { carrierId: '12', stat: 'UNDELIV', err: '005' });
  });

  it('refuses a text without id or state', () => {
    assert.equal(parseReceipt({ text: 'hello there' }), undefined);
    assert.equal(parseReceipt({ text: 'stat:DELIVRD err:000' }), undefined);
  });
});
