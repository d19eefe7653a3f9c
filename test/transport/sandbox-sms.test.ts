import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { parseSandboxOutcome } from '../../src/config-outbound.js';
import { SandboxSmsTransport } from '../../src/transport/sandbox/sandbox-sms.js';
import { TransportError, type DeliveryReceipt, type OutboundSms } from '../../src/domain/ports/transports.js';

const sms = (messageId: number, parts: string[]): OutboundSms => ({
  messageId,
  from: '15149541234',
  to: '15145550000',
  text: parts.join(''),
  encoding: 'GSM-7',
  parts,
});

async function started(options: ConstructorParameters<typeof SandboxSmsTransport>[1]) {
  const receipts: DeliveryReceipt[] = [];
  const lines: unknown[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const transport = new SandboxSmsTransport(log, { receiptDelayMs: 5, keepRecords: true, ...options });
  await transport.start({ onReceipt: async (r) => void receipts.push(r), onInbound: async () => {} });
  return { transport, receipts, lines };
}

describe('the sandbox SMS carrier', () => {
  it('says loudly that nothing leaves the machine', async () => {
    const { lines, transport } = await started({});
    assert.match(JSON.stringify(lines[0]), /SANDBOX SMS transport: no SMS leaves this machine/);
    await transport.close();
  });

  it('answers each part with a hex id and quotes it in decimal in a DELIVRD receipt', async () => {
    const { transport, receipts } = await started({});
    const { carrierIds } = await transport.submit(sms(1, ['a', 'b']));
    assert.equal(carrierIds.length, 2);
    for (const id of carrierIds) assert.match(id, /^[0-9A-F]{8}$/);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(
      receipts.map((r) => [r.carrierId, r.stat, r.err]),
      carrierIds.map((id) => [BigInt(`0x${id}`).toString(10), 'DELIVRD', '000']),
    );
    assert.equal(transport.acceptedParts, 2);
    assert.equal(transport.acceptedByMessage.get(1), 2);
    await transport.close();
  });

  it('answers what it is told to: a receipt state and code, a refusal, throttling, or nothing', async () => {
    const undeliv = await started({ outcome: { kind: 'receipt', stat: 'UNDELIV', err: '300' } });
    await undeliv.transport.submit(sms(1, ['a']));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(
      undeliv.receipts.map((r) => [r.stat, r.err]),
      [['UNDELIV', '300']],
    );
    await undeliv.transport.close();

    const reject = await started({ outcome: { kind: 'reject' } });
    await assert.rejects(
      reject.transport.submit(sms(2, ['a'])),
      (e: unknown) => e instanceof TransportError && !e.retryable,
    );
    assert.equal(reject.transport.acceptedParts, 0);
    await reject.transport.close();

    const throttle = await started({ outcome: { kind: 'throttle' } });
    await assert.rejects(
      throttle.transport.submit(sms(3, ['a'])),
      (e: unknown) => e instanceof TransportError && e.retryable && e.code === 'ESME_RTHROTTLED',
    );
    await throttle.transport.close();

    const silent = await started({ outcome: { kind: 'silent' } });
    await silent.transport.submit(sms(4, ['a']));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(silent.receipts.length, 0);
    assert.equal(silent.transport.acceptedParts, 1);
    await silent.transport.close();
  });

  it('logs every accepted part to a file at accept (it outlives a killed process)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vudumobile-sandbox-'));
    const { transport } = await started({ logFile: join(dir, 'parts.jsonl') });
    const { carrierIds } = await transport.submit(sms(9, ['a', 'b']));
    // Written before submit resolved, not later: a process killed right after still has the lines.
    const atAccept = readFileSync(join(dir, 'parts.jsonl'), 'utf8');
    await transport.close();
    assert.equal(await readFile(join(dir, 'parts.jsonl'), 'utf8'), atAccept);
    const lines = atAccept
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { messageId: 9, seq: 0, carrierId: carrierIds[0], to: '15145550000' },
      { messageId: 9, seq: 1, carrierId: carrierIds[1], to: '15145550000' },
    ]);
    await rm(dir, { recursive: true, force: true });
  });

  it('reads SANDBOX_SMS_OUTCOME', () => {
    assert.deepEqual(parseSandboxOutcome('UNDELIV:300'), { kind: 'receipt', stat: 'UNDELIV', err: '300' });
    assert.deepEqual(parseSandboxOutcome('expired:102'), { kind: 'receipt', stat: 'EXPIRED', err: '102' });
    assert.deepEqual(parseSandboxOutcome('reject'), { kind: 'reject' });
    assert.deepEqual(parseSandboxOutcome('throttle'), { kind: 'throttle' });
    assert.equal(parseSandboxOutcome('LOST:300'), undefined);
    assert.equal(parseSandboxOutcome('UNDELIV:3000'), undefined);
  });
});
