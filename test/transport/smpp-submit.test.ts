import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TransportError } from '../../src/domain/ports/transports.js';
import { startSmscSim, type SmscSim, type SubmittedPdu } from '../../src/transport/smsc-sim/smsc-sim.js';
import { silentLog, sms, smppUrl, startTransport, type TransportUnderTest } from '../helpers/smpp.js';
import { SmppTransport } from '../../src/transport/smpp/smpp-transport.js';
import { parseSmppUrls } from '../../src/transport/smpp/smpp-url.js';

const hex = (bytes: number[]): string => Buffer.from(bytes).toString('hex');

/** What the simulator received for `carrierIds`, in that order. */
function received(sim: SmscSim, carrierIds: readonly string[]): SubmittedPdu[] {
  return carrierIds.map((id) => {
    const pdu = sim.submitted.find((p) => p.messageId.toLowerCase().replace(/^0+/, '') === id);
    assert.ok(pdu, `the simulator has ${id}`);
    return pdu;
  });
}

describe('SMPP submit_sm encoding, over TCP to the SMSC simulator', () => {
  let sim: SmscSim;
  let udh: TransportUnderTest;
  before(async () => {
    sim = await startSmscSim({ systemId: 'test', password: 'secret', receiptDelayMs: 0 });
    udh = await startTransport(smppUrl(sim.port, 'window=5'));
  });
  after(async () => {
    await udh.transport.close();
    await sim.close();
  });

  it('sends one GSM-7 part as septets with data_coding 0, extension characters escaped', async () => {
    const text = 'A€[é@ü]{~}|^\\';
    const { carrierIds } = await udh.transport.submit(sms('15145550001', [text]));
    assert.equal(carrierIds.length, 1);
    const [pdu] = received(sim, carrierIds);
    assert.equal(pdu?.dataCoding, 0);
    assert.equal(pdu?.esmClass, 0);
    assert.equal(pdu?.registeredDelivery, 1);
    assert.equal(pdu?.udh, undefined);
    assert.equal(pdu?.destinationAddr, '15145550001');
    assert.equal(pdu?.sourceAddr, '15149541234');
    assert.deepEqual([pdu?.sourceTon, pdu?.sourceNpi, pdu?.destTon, pdu?.destNpi], [1, 1, 1, 1]);
    // A, ESC €, ESC [, é, @, ü, ESC ], ESC {, ESC ~, ESC }, ESC |, ESC ^, ESC \ (3GPP TS 23.038 values)
    const expected = [0x41, 0x1b, 0x65, 0x1b, 0x3c, 0x05, 0x00, 0x7e, 0x1b, 0x3e, 0x1b, 0x28, 0x1b, 0x3d];
    expected.push(0x1b, 0x29, 0x1b, 0x40, 0x1b, 0x14, 0x1b, 0x2f);
    assert.equal(pdu?.shortMessage.toString('hex'), hex(expected));
  });

  it('sends GSM-7 parts with a UDH (IEI 0x00, one 8-bit reference) and esm_class 0x40, ids in order', async () => {
    const parts = ['a'.repeat(153), 'b'.repeat(151) + '€', 'c'];
    const { carrierIds } = await udh.transport.submit(sms('15145550002', parts));
    assert.equal(carrierIds.length, 3);
    const pdus = received(sim, carrierIds);
    const reference = pdus[0]?.udh?.[3];
    pdus.forEach((pdu, index) => {
      assert.equal(pdu.esmClass, 0x40);
      assert.equal(pdu.dataCoding, 0);
      assert.equal(pdu.udh?.toString('hex'), hex([0x05, 0x00, 0x03, reference ?? -1, 3, index + 1]));
    });
    assert.equal(pdus[0]?.shortMessage.length, 6 + 153);
    assert.equal(
      pdus[1]?.shortMessage.subarray(6).toString('hex'),
      'b'.repeat(151).replace(/b/g, '62') + '1b65',
    );
    assert.equal(pdus[2]?.shortMessage.subarray(6).toString('hex'), '63');
  });

  it('sends UCS-2 as UTF-16BE with data_coding 8, a surrogate pair intact', async () => {
    const text = 'Ça coûte 5 € 😀';
    const { carrierIds } = await udh.transport.submit(sms('15145550003', [text], 'UCS-2'));
    const [pdu] = received(sim, carrierIds);
    assert.equal(pdu?.dataCoding, 8);
    const bytes = pdu?.shortMessage ?? Buffer.alloc(0);
    assert.equal(bytes.subarray(0, 2).toString('hex'), '00c7'); // Ç
    assert.equal(bytes.subarray(-4).toString('hex'), 'd83dde00'); // 😀 as its surrogate pair
    assert.equal(bytes.length, [...text].length * 2 + 2);
  });

  it('sends UCS-2 parts of 67 units with the same UDH reference', async () => {
    const parts = ['ç'.repeat(67), 'ê'.repeat(65) + '😀'];
    const { carrierIds } = await udh.transport.submit(sms('15145550004', parts, 'UCS-2'));
    const pdus = received(sim, carrierIds);
    assert.equal(pdus[0]?.udh?.[3], pdus[1]?.udh?.[3]);
    assert.deepEqual(
      pdus.map((p) => [p.dataCoding, p.esmClass, p.shortMessage.length]),
      [
        [8, 0x40, 6 + 134],
        [8, 0x40, 6 + 134],
      ],
    );
    assert.equal(pdus[1]?.shortMessage.subarray(-4).toString('hex'), 'd83dde00');
  });

  it('uses a new reference for each concatenated message', async () => {
    const first = received(
      sim,
      (await udh.transport.submit(sms('15145550005', ['x'.repeat(153), 'y']))).carrierIds,
    );
    const second = received(
      sim,
      (await udh.transport.submit(sms('15145550005', ['x'.repeat(153), 'z']))).carrierIds,
    );
    assert.notEqual(first[0]?.udh?.[3], second[0]?.udh?.[3]);
  });

  it('maps a refused submit_sm to a permanent TransportError with the SMPP status', async () => {
    const error = await udh.transport.submit(sms('not-a-number', ['hello'])).then(
      () => assert.fail('the simulator refuses a non-numeric destination'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TransportError);
    assert.equal(error.retryable, false);
    assert.equal(error.code, 'ESME_RINVDSTADR');
    assert.equal(error.commandStatus, 0x0b);
    assert.match(error.message, /ESME_RINVDSTADR \(0x0000000B\)/);
  });

  it('refuses parts the segmenter should not have made, without sending them', async () => {
    const before = sim.stats.submitSm;
    await assert.rejects(udh.transport.submit(sms('15145550006', ['x'.repeat(161)])), {
      name: 'TransportError',
      retryable: false,
      code: 'INVALID_PARTS',
    });
    await assert.rejects(udh.transport.submit(sms('15145550006', ['ça'])), { code: 'INVALID_PARTS' });
    assert.equal(sim.stats.submitSm, before);
  });

  it('sends an alphanumeric sender with TON 5 / NPI 0', async () => {
    const { carrierIds } = await udh.transport.submit(sms('15145550007', ['hi'], 'GSM-7', 'VUDU'));
    const [pdu] = received(sim, carrierIds);
    assert.deepEqual([pdu?.sourceAddr, pdu?.sourceTon, pdu?.sourceNpi], ['VUDU', 5, 0]);
  });

  it('honours the TON/NPI of the URL', async () => {
    const { connectors } = parseSmppUrls(
      smppUrl(sim.port, 'source_ton=2&source_npi=0&dest_ton=0&dest_npi=9'),
    );
    const transport = new SmppTransport({ connectors, log: silentLog });
    await transport.start({ onReceipt: async () => {}, onInbound: async () => {} });
    const { carrierIds } = await transport.submit(sms('15145550008', ['hi']));
    await transport.close();
    const [pdu] = received(sim, carrierIds);
    assert.deepEqual([pdu?.sourceTon, pdu?.sourceNpi, pdu?.destTon, pdu?.destNpi], [2, 0, 0, 9]);
  });
});

describe('SMPP long messages by SAR TLVs or message_payload (connector option long=)', () => {
  let sim: SmscSim;
  before(async () => {
    sim = await startSmscSim({ receiptDelayMs: 0 });
  });
  after(() => sim.close());

  it('long=sar sends each part without UDH, with sar_msg_ref_num / total / seqnum', async () => {
    const { transport } = await startTransport(smppUrl(sim.port, 'long=sar'));
    const { carrierIds } = await transport.submit(sms('15145550010', ['a'.repeat(153), 'b'.repeat(10)]));
    await transport.close();
    const pdus = received(sim, carrierIds);
    const reference = pdus[0]?.sar?.reference;
    assert.deepEqual(
      pdus.map((p) => [p.esmClass, p.udh, p.sar, p.shortMessage.length]),
      [
        [0, undefined, { reference, total: 2, sequence: 1 }, 153],
        [0, undefined, { reference, total: 2, sequence: 2 }, 10],
      ],
    );
  });

  it('long=payload sends the whole text once in message_payload and returns one carrier id', async () => {
    const { transport } = await startTransport(smppUrl(sim.port, 'long=payload'));
    const parts = ['ç'.repeat(67), 'é'.repeat(3)];
    const { carrierIds } = await transport.submit(sms('15145550011', parts, 'UCS-2'));
    await transport.close();
    assert.equal(carrierIds.length, 1);
    const [pdu] = received(sim, carrierIds);
    assert.equal(pdu?.shortMessage.length, 0);
    assert.equal(pdu?.dataCoding, 8);
    assert.equal(pdu?.messagePayload?.length, 70 * 2);
    assert.equal(pdu?.messagePayload?.subarray(0, 2).toString('hex'), '00e7');
  });
});
