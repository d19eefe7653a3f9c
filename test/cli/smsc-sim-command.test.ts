import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { parseMoFile } from '../../src/cli/smsc-sim-command.js';
import { sms, smppUrl, startTransport, waitUntil } from '../helpers/smpp.js';

describe('vudumobile smsc-sim', () => {
  it('serves SMPP, delivers its MO file, answers with the outcome mix, prints its counts on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsc-sim-'));
    const moFile = join(dir, 'mo.txt');
    await writeFile(
      moFile,
      '# from,to,text\n15145550900,15149541234,Bonjour, ça va?\n\n15145550901,15149541234,STOP\n',
    );
    const events: Array<Record<string, unknown>> = [];
    const args = ['--system-id', 'test', '--password', 'secret', '--mo-file', moFile, '--receipt-delay', '0'];
    args.push('--outcomes', 'UNDELIV:300=1', '--id-format', 'decimal');
    const sim = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/program.ts', '--json', 'smsc-sim', '--port', '0', ...args],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    createInterface({ input: sim.stdout }).on('line', (line) => events.push(JSON.parse(line)));
    try {
      await waitUntil(() => events.some((e) => e.event === 'mo-queued'), 'the simulator listening', 20_000);
      assert.deepEqual(
        events.find((e) => e.event === 'mo-queued'),
        { event: 'mo-queued', count: 2 },
      );
      const port = Number(events.find((e) => e.event === 'listening')?.port);
      const under = await startTransport(smppUrl(port));
      try {
        await waitUntil(() => under.inbound.length === 2, 'the MO file delivered');
        assert.deepEqual(
          under.inbound.map((m) => [m.from, m.to, m.text]),
          [
            ['15145550900', '15149541234', 'Bonjour, ça va?'],
            ['15145550901', '15149541234', 'STOP'],
          ],
        );
        const { carrierIds } = await under.transport.submit(sms('15145550902', ['hello']));
        assert.match(carrierIds[0] ?? '', /^\d{10}$/, 'decimal ids');
        await waitUntil(() => under.receipts.length === 1, 'the receipt');
        assert.deepEqual(under.receipts[0] && [under.receipts[0].stat, under.receipts[0].err], [
          'UNDELIV',
          '300',
        ]);
      } finally {
        await under.transport.close();
      }
      sim.kill('SIGTERM');
      await waitUntil(() => events.some((e) => e.event === 'stopped'), 'the counts on exit', 10_000);
      const { stats } = events.find((e) => e.event === 'stopped') as { stats: Record<string, number> };
      assert.deepEqual(
        [stats.binds, stats.unbinds, stats.submitSm, stats.accepted, stats.receiptsAcked, stats.moPartsAcked],
        [1, 1, 1, 1, 1, 2],
      );
    } finally {
      sim.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--refuse-binds-ms starts in maintenance (ESME_RBINDFAIL); SIGUSR1 ends it, and begins another', async () => {
    const events: Array<Record<string, unknown>> = [];
    const sim = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/program.ts',
        '--json',
        'smsc-sim',
        '--port',
        '0',
        '--refuse-binds-ms',
        '600000',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    createInterface({ input: sim.stdout }).on('line', (line) => events.push(JSON.parse(line)));
    const count = (event: string): number => events.filter((e) => e.event === event).length;
    try {
      await waitUntil(() => count('refusing-binds') === 1, 'the simulator in maintenance', 20_000);
      const port = Number(events.find((e) => e.event === 'listening')?.port);
      const under = await startTransport(smppUrl(port));
      const state = (): string => {
        const [connector] = under.transport.status();
        return `${connector?.state}: ${connector?.detail}`;
      };
      try {
        await waitUntil(() => /^retrying: .*bind refused: ESME_RBINDFAIL/.test(state()), 'a refused bind');
        assert.equal(under.transport.ready(), false, 'nothing to submit through while refused');
        sim.kill('SIGUSR1');
        await waitUntil(() => count('accepting-binds') === 1, 'the maintenance ended');
        await waitUntil(() => state().startsWith('bound'), 'the bind accepted');
        assert.equal(under.transport.ready(), true);
        sim.kill('SIGUSR1');
        await waitUntil(() => count('refusing-binds') === 2, 'another maintenance');
        await waitUntil(
          () => /^retrying: .*ESME_RBINDFAIL/.test(state()),
          'the bound session dropped, binds refused',
        );
      } finally {
        await under.transport.close();
      }
    } finally {
      sim.kill('SIGKILL');
    }
  });

  it('reads MO files: commas inside the text, + prefixes, comments and blank lines', () => {
    assert.deepEqual(parseMoFile('# c\n+15145550000, 15149541234,Oui, merci\r\n\n', 'mo.txt'), [
      { from: '15145550000', to: '15149541234', text: 'Oui, merci' },
    ]);
    assert.throws(() => parseMoFile('hello\n', 'mo.txt'), /mo\.txt:1: expected from,to,text/);
  });
});
