import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSmscSim, type SmscSim } from '../../src/transport/smsc-sim/smsc-sim.js';
import type { InboundSms } from '../../src/domain/ports/transports.js';
import { smppUrl, startTransport, waitUntil, type TransportUnderTest } from '../helpers/smpp.js';

const LONG_GSM = 'Bonjour! Le prix est 5€ [promo] '.repeat(12); // 384 characters, 396 septets: 3 parts
const LONG_UCS2 = 'Ça coûte 5 € 😀 — merci! '.repeat(8); // surrogate pairs across part boundaries

describe('SMPP inbound (MO) messages reach onInbound', () => {
  let sim: SmscSim;
  let under: TransportUnderTest;
  before(async () => {
    sim = await startSmscSim({ systemId: 'test', password: 'secret' });
    under = await startTransport(smppUrl(sim.port));
  });
  after(async () => {
    await under.transport.close();
    await sim.close();
  });

  const receive = async (mo: Parameters<SmscSim['injectMo']>[0]): Promise<InboundSms> => {
    const count = under.inbound.length;
    await sim.injectMo(mo);
    await waitUntil(() => under.inbound.length > count, 'the inbound message');
    const sms = under.inbound[count];
    assert.ok(sms);
    return sms;
  };

  it('a single GSM-7 part, extension characters included', async () => {
    const before = Date.now();
    const sms = await receive({ from: '15145550200', to: '15149541234', text: 'STOP à 5€ {ok}' });
    assert.deepEqual(
      { ...sms, receivedAt: 0 },
      { from: '15145550200', to: '15149541234', text: 'STOP à 5€ {ok}', partCount: 1, receivedAt: 0 },
    );
    assert.ok(sms.receivedAt >= before && sms.receivedAt <= Date.now());
  });

  it('a single UCS-2 part with a surrogate pair', async () => {
    const sms = await receive({ from: '15145550201', to: '15149541234', text: 'Merci 😀 ç' });
    assert.equal(sms.text, 'Merci 😀 ç');
  });

  it('Latin-1 (data_coding 3), single and concatenated', async () => {
    const short = await receive({
      from: '15145550206',
      to: '15149541234',
      text: 'Café crème ç «oui»',
      encoding: 'latin1',
    });
    assert.equal(short.text, 'Café crème ç «oui»');
    const long = 'Ça coûte 5 ¤ — non: « ç » '.replace('—', '-').repeat(8);
    const sms = await receive({ from: '15145550207', to: '15149541234', text: long, encoding: 'latin1' });
    assert.deepEqual([sms.text, sms.partCount], [long, 2]);
  });

  for (const concat of ['udh8', 'udh16', 'sar'] as const) {
    it(`a concatenated GSM-7 message (${concat}), reassembled in order`, async () => {
      const sms = await receive({ from: '15145550202', to: '15149541234', text: LONG_GSM, concat });
      assert.equal(sms.text, LONG_GSM);
      assert.equal(sms.partCount, 3);
    });
  }

  it('a concatenated UCS-2 message, surrogate pairs intact', async () => {
    const sms = await receive({ from: '15145550203', to: '15149541234', text: LONG_UCS2 });
    assert.equal(sms.text, LONG_UCS2);
    assert.equal(sms.partCount, Math.ceil(LONG_UCS2.length / 67));
  });

  it('two concatenated messages from different senders interleaved stay apart', async () => {
    const count = under.inbound.length;
    await Promise.all([
      sim.injectMo({ from: '15145550204', to: '15149541234', text: LONG_GSM }),
      sim.injectMo({ from: '15145550205', to: '15149541234', text: LONG_UCS2 }),
    ]);
    await waitUntil(() => under.inbound.length === count + 2, 'both messages');
    const texts = new Map(under.inbound.slice(count).map((m) => [m.from, m.text]));
    assert.equal(texts.get('15145550204'), LONG_GSM);
    assert.equal(texts.get('15145550205'), LONG_UCS2);
  });
});

describe('deliver_sm_resp waits for onInbound', () => {
  it('is sent only after the handler resolves', async () => {
    const sim = await startSmscSim();
    let release: () => void = () => assert.fail('the handler was not called');
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stored: InboundSms[] = [];
    const under = await startTransport(smppUrl(sim.port), {
      handlers: {
        onInbound: async (sms) => {
          await gate;
          stored.push(sms);
        },
      },
    });
    try {
      const injected = sim.injectMo({ from: '15145550210', to: '15149541234', text: LONG_GSM });
      await waitUntil(() => sim.stats.moPartsSent === 3, 'the three parts sent');
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(sim.stats.moPartsAcked, 0, 'no part is acknowledged while the handler runs');
      release();
      await injected;
      assert.equal(sim.stats.moPartsAcked, 3);
      assert.equal(stored[0]?.text, LONG_GSM);
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });

  it('answers a temporary error when the handler rejects, and the SMSC delivers again', async () => {
    const sim = await startSmscSim({ retryDelayMs: 50 });
    const stored: InboundSms[] = [];
    let calls = 0;
    const under = await startTransport(smppUrl(sim.port), {
      handlers: {
        onInbound: async (sms) => {
          calls++;
          if (calls === 1) throw new Error('disk full');
          stored.push(sms);
        },
      },
    });
    try {
      await sim.injectMo({ from: '15145550211', to: '15149541234', text: LONG_GSM });
      assert.equal(sim.stats.deliverErrors, 3, 'each of the three parts was refused once');
      assert.equal(sim.stats.moPartsAcked, 3);
      assert.equal(calls, 2);
      assert.deepEqual(
        stored.map((m) => [m.text, m.partCount]),
        [[LONG_GSM, 3]],
      );
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });

  it('after a lost connection the unanswered parts come again and the message is whole once', async () => {
    const sim = await startSmscSim();
    const stored: InboundSms[] = [];
    let firstCall = true;
    const under = await startTransport(smppUrl(sim.port), {
      handlers: {
        onInbound: async (sms) => {
          if (firstCall) {
            firstCall = false;
            sim.dropConnections(); // the process "dies" before committing: nothing acknowledged
            throw new Error('connection lost before commit');
          }
          stored.push(sms);
        },
      },
    });
    try {
      await sim.injectMo({ from: '15145550212', to: '15149541234', text: LONG_UCS2 });
      await waitUntil(() => stored.length === 1, 'the message stored after redelivery');
      assert.equal(stored[0]?.text, LONG_UCS2);
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });
});
