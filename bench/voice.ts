/**
 * bench:voice — 50 concurrent verification calls through the SIP transport to a scripted callee on
 * loopback (its own process, timestamping every RTP packet on a receiver thread), while the same
 * process serves the API and a load generator (another process) keeps POSTing `send`. Prints the
 * jitter of the stream three ways: as sent (each packet's send time against its tick, from the RTP
 * thread), and as received: RFC 3550's per-packet |D| and its interarrival jitter J (the running
 * estimate RTCP and Wireshark report as "jitter"). Judged: J p99 < 5 ms, the caller's event-loop
 * lag p99 < 20 ms, every call answered. Also the API's answers meanwhile and placeCall → answer.
 *
 *   npm run bench:voice [-- --calls 50 --send-rate 200]
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { VoiceCall } from '../src/domain/ports/transports.js';
import { SipVoiceTransport } from '../src/transport/voice/sip-voice-transport.js';
import { VoicePrompts } from '../src/transport/voice/voice-prompts.js';
import { encodeG711 } from '../src/transport/voice/g711.js';
import { parseVoiceUrls } from '../src/transport/voice/voice-url.js';
import { startTestServer } from '../test/helpers/server.js';
import { ROOT, startLoad } from './lib/harness.js';
import type { ReceiverReport, Spread } from './lib/rtp-receiver-entry.js';
import { median, table } from './lib/server-process.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '50' }, 'send-rate': { type: 'string', default: '200' } },
});
const CALLS = Number(values.calls);
const SEND_RATE = Number(values['send-rate']);

const peer = spawn(process.execPath, ['--import', 'tsx', 'bench/voice-peer.ts'], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const peerLines = createInterface({ input: peer.stdout });
const nextLine = (): Promise<string> => new Promise((resolve) => peerLines.once('line', resolve));
const port = Number((await nextLine()).replace('port ', ''));

const server = await startTestServer();
const load = await startLoad({
  url: `${server.url}/api/send`,
  ratePerSecond: SEND_RATE,
  bodies: Array.from(
    { length: 1000 },
    (_, i) => `to=${15142000000 + i}&message=Votre+code+est+${100000 + i}`,
  ),
  headers: { 'VUDUMOBILE-API-KEY': server.account.key },
  connections: 20,
  seconds: 120,
});

// What a call does before its INVITE: the prompt assembled from the pieces and encoded.
const prompts = new VoicePrompts();
const assembly: number[] = [];
for (let i = 0; i < 200; i++) {
  const started = performance.now();
  encodeG711(prompts.assemble(String(100000 + i * 4999), i % 2 ? 'en' : 'fr'), 'PCMU');
  assembly.push(performance.now() - started);
}

const { trunks } = parseVoiceUrls(`sip:127.0.0.1:${port};max_calls=${CALLS};cps=1000`);
const voice = new SipVoiceTransport(trunks, pino({ level: 'warn' }), prompts);
// The transport starts its RTP thread when made; a server makes it at start-up, long before a call.
const warming = performance.now();
await voice.pacingStats();
const warmMs = performance.now() - warming;
const lag = monitorEventLoopDelay({ resolution: 1 });
lag.enable();
const toAnswer: number[] = [];
const started = performance.now();
const results = await Promise.all(
  Array.from({ length: CALLS }, (_, i) => {
    const call: VoiceCall = {
      to: `1514555${String(i).padStart(4, '0')}`,
      from: '15149541234',
      language: i % 2 ? 'en' : 'fr',
      code: String(100000 + i * 7919).slice(0, 6),
      text: '',
    };
    const placed = performance.now();
    return voice.placeCall(call, { answered: async () => void toAnswer.push(performance.now() - placed) });
  }),
);
const wall = (performance.now() - started) / 1000;
lag.disable();
const sends = await load.stop();
const pacing = await voice.pacingStats();
await voice.close();
peer.kill('SIGTERM');
const received = JSON.parse(await nextLine()) as ReceiverReport & { byes: number };
await server.close();

const ms = (ns: number): string => (ns / 1e6).toFixed(1);
const spread = (s: Spread): string => `${s.p50.toFixed(2)} / ${s.p99.toFixed(2)} / ${s.max.toFixed(2)}`;
const answered = results.filter((r) => r.outcome === 'answered').length;
const lagP99 = lag.percentile(99) / 1e6;
assembly.sort((a, b) => a - b);
console.log(
  `\nbench:voice — ${CALLS} concurrent calls, ${SEND_RATE} send/s meanwhile, ${wall.toFixed(1)} s\n`,
);
console.log(
  table([
    ['figure', 'value'],
    ['calls answered / placed', `${answered} / ${CALLS}`],
    ['RTP packets received (lost or reordered)', `${received.packets} (${received.lostOrReordered})`],
    ['RTP jitter J (RFC 3550 §6.4.1, received) p50 / p99 / max (ms)', spread(received.j)],
    ['per-packet |D| (received) p50 / p99 / max (ms)', spread(received.d)],
    [
      `sent: packet's send − its tick (${pacing.sent.count} packets) p50 / p99 / max (ms)`,
      spread(pacing.sent),
    ],
    ["sent |D|: that lateness − the previous packet's, p50 / p99 / max (ms)", spread(pacing.sentChange)],
    ["RTP thread's timer: firing − set time, p50 / p99 / max (ms)", spread(pacing.wakes)],
    [
      'event-loop lag p50 / p99 / max (ms)',
      `${ms(lag.percentile(50))} / ${ms(lag.percentile(99))} / ${ms(lag.max)}`,
    ],
    [
      'placeCall → answered, median / max (ms)',
      `${median(toAnswer).toFixed(1)} / ${Math.max(...toAnswer).toFixed(1)}`,
    ],
    ['RTP thread ready after (ms)', warmMs.toFixed(0)],
    [
      'prompt assembled + encoded, median / max (ms)',
      `${median(assembly).toFixed(2)} / ${(assembly.at(-1) ?? 0).toFixed(2)}`,
    ],
    [
      'send answered (non-200) / p99 latency (ms)',
      `${sends.requests} (${sends.non200 + sends.errors}) / ${sends.p99.toFixed(1)}`,
    ],
  ]),
);
const verdicts = [
  [received.j.p99 < 5, `RTP jitter p99 < 5 ms: RFC 3550 interarrival jitter J of the received stream`],
  [lagP99 < 20, 'event-loop lag p99 < 20 ms'],
  [answered === CALLS, 'every call answered'],
] as const;
for (const [ok, what] of verdicts) console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
process.exit(verdicts.every(([ok]) => ok) ? 0 : 1);
