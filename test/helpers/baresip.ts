import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './messages.js';

/**
 * Debian's baresip as an independent SIP callee on loopback: its own config directory (`-f`), an
 * account that answers every call at once, no sound card (ALSA's `null` device plays, a long silent
 * WAV is the microphone), and the `sndfile` module writing what it received to
 * `<dir>/recordings/dump-…-dec.wav`.
 */
export const BARESIP = '/usr/bin/baresip';

export function baresipMissing(): string | undefined {
  return existsSync(BARESIP)
    ? undefined
    : 'baresip not found (apt-get install -y baresip): SIP end-to-end tests skipped';
}

export interface Baresip {
  /** `sip:host:port` to put in VOICE_URL. */
  readonly host: string;
  readonly port: number;
  /** The WAV files of received audio (`-dec.wav`), once a call has ended. */
  recordings(): Promise<string[]>;
  /** What baresip printed, for a failing assertion's message. */
  output(): string;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** A WAV of silence at 8 kHz: baresip's aufile source ends the call when its file ends. */
function silentWav(seconds: number): Buffer {
  const data = seconds * 8000 * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  return Buffer.concat([header, Buffer.alloc(data)]);
}

/** The number its account answers (baresip answers 404 to any other user part). */
export const BARESIP_NUMBER = '15145550123';

/**
 * Starts it; it listens on UDP and TCP alike on `port` and answers `+${BARESIP_NUMBER}`. The port is
 * free for UDP when chosen but may be taken for TCP (or taken by then): a start that fails is retried
 * on other ports.
 */
export async function startBaresip(): Promise<Baresip> {
  let failure: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launchBaresip();
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

async function launchBaresip(): Promise<Baresip> {
  const dir = await mkdtemp(join(tmpdir(), 'vm-baresip-'));
  const recordings = join(dir, 'recordings');
  await mkdir(recordings);
  await writeFile(join(dir, 'silence.wav'), silentWav(120));
  const port = await freeUdpPort();
  const rtpBase = 20_000 + 2 * Math.floor(Math.random() * 10_000);
  const config = [
    'poll_method poll',
    `sip_listen 127.0.0.1:${port}`,
    'audio_player alsa,null',
    'audio_alert alsa,null',
    `audio_source aufile,${join(dir, 'silence.wav')}`,
    'module_path /usr/lib/baresip/modules',
    'module g711.so',
    'module aufile.so',
    'module alsa.so',
    'module sndfile.so',
    'module_app account.so',
    'module_app menu.so',
    `snd_path ${recordings}`,
    `rtp_ports ${rtpBase}-${rtpBase + 100}`,
  ];
  await writeFile(join(dir, 'config'), `${config.join('\n')}\n`);
  await writeFile(join(dir, 'accounts'), `<sip:+${BARESIP_NUMBER}@127.0.0.1>;regint=0;answermode=auto\n`);
  const child = spawn(BARESIP, ['-f', dir, '-n', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    'baresip ready',
    () => output.includes('baresip is ready') || child.exitCode !== null,
    20_000,
  );
  if (child.exitCode !== null) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`baresip exited:\n${output}`);
  }
  return {
    host: '127.0.0.1',
    port,
    async recordings() {
      const names = await readdir(recordings);
      return names.filter((n) => n.endsWith('-dec.wav')).map((n) => join(recordings, n));
    },
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The samples of a 16-bit mono WAV, at whatever rate it says. */
export async function readWav(path: string): Promise<{ rate: number; samples: Int16Array }> {
  const wav = await readFile(path);
  let offset = 12;
  let rate = 8000;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') rate = wav.readUInt32LE(offset + 12);
    if (id === 'data') {
      const end = Math.min(wav.length, offset + 8 + size);
      const samples = new Int16Array((end - offset - 8) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = wav.readInt16LE(offset + 8 + i * 2);
      return { rate, samples };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}
