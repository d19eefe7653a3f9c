import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InboundAssembler,
  type AssembledMessage,
  type InboundPart,
} from '../../src/transport/smpp/inbound-assembler.js';

function part(sequence: number, total: number, replies: number[], from = '15145550000'): InboundPart {
  return {
    from,
    to: '15149541234',
    dataCoding: 0,
    body: Buffer.from(`p${sequence}`),
    concat: { reference: 7, total, sequence },
    receivedAt: 1,
    reply: (status) => replies.push(status),
  };
}

describe('InboundAssembler', () => {
  it('emits a message once every part arrived, in sequence order, with every reply', () => {
    const out: AssembledMessage[] = [];
    const assembler = new InboundAssembler(10_000, (m) => out.push(m));
    const replies: number[] = [];
    assembler.add(part(3, 3, replies));
    assembler.add(part(1, 3, replies));
    assembler.add(part(1, 3, replies)); // sent again by the SMSC
    assert.equal(out.length, 0);
    assembler.add(part(2, 3, replies));
    assert.equal(out.length, 1);
    assert.deepEqual(
      out[0]?.parts.map((p) => p.body.toString()),
      ['p1', 'p2', 'p3'],
    );
    assert.equal(out[0]?.complete, true);
    assert.equal(out[0]?.replies.length, 4);
    assert.equal(assembler.waiting, 0);
  });

  it('emits what arrived after the timeout, marked incomplete', async () => {
    const out: AssembledMessage[] = [];
    const assembler = new InboundAssembler(30, (m) => out.push(m));
    assembler.add(part(1, 3, []));
    assembler.add(part(3, 3, []));
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(
      out.map((m) => [m.complete, m.parts.map((p) => p.body.toString())]),
      [[false, ['p1', 'p3']]],
    );
  });

  it('passes single parts and malformed concatenation through at once; keeps senders apart', () => {
    const out: AssembledMessage[] = [];
    const assembler = new InboundAssembler(10_000, (m) => out.push(m));
    assembler.add({ ...part(1, 1, []), concat: undefined });
    assembler.add(part(4, 3, []));
    assembler.add(part(1, 2, [], 'a'));
    assembler.add(part(2, 2, [], 'b'));
    assert.equal(out.length, 2);
    assert.equal(assembler.waiting, 2);
    assembler.clear();
    assert.equal(assembler.waiting, 0);
  });
});
