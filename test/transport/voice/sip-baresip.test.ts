import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { VoiceCall } from '../../../src/domain/ports/transports.js';
import { SipVoiceTransport } from '../../../src/transport/voice/sip-voice-transport.js';
import { VoicePrompts } from '../../../src/transport/voice/voice-prompts.js';
import { parseVoiceUrls } from '../../../src/transport/voice/voice-url.js';
import { bestCorrelation } from '../../helpers/audio.js';
import {
  BARESIP_NUMBER,
  baresipMissing,
  readWav,
  startBaresip,
  type Baresip,
} from '../../helpers/baresip.js';
import { waitFor } from '../../helpers/messages.js';

/**
 * End to end against an independent SIP stack: Debian's baresip answers on loopback and records
 * what it hears; the recording must be the prompt for that code in that language.
 */
const missing = baresipMissing();
if (missing) console.log(missing);

const prompts = new VoicePrompts();
/** Same waveform, through two G.711 codings and baresip's jitter buffer: near 1. A wrong code's prompt shares only its phrases. */
const SAME_PROMPT = 0.9;

describe('SIP voice transport: a call to baresip speaks the code', { skip: missing !== undefined }, () => {
  let baresip: Baresip;
  before(async () => {
    baresip = await startBaresip();
  });
  after(async () => {
    await baresip?.stop();
  });

  async function callAndRecord(call: VoiceCall, protocol: 'udp' | 'tcp'): Promise<Int16Array> {
    const before = new Set(await baresip.recordings());
    const { trunks } = parseVoiceUrls(`sip:${baresip.host}:${baresip.port};transport=${protocol}`);
    const voice = new SipVoiceTransport(trunks, pino({ level: 'silent' }));
    try {
      const result = await voice.placeCall(call);
      assert.equal(result.outcome, 'answered', `${result.reason}\n${baresip.output().slice(-2000)}`);
      assert.equal(result.reason, 'prompt played');
    } finally {
      await voice.close();
    }
    // baresip closes the WAV when it has handled our BYE.
    const path = await waitFor('the recording of the call', async () => {
      const added = (await baresip.recordings()).filter((p) => !before.has(p));
      return added.length === 1 ? added[0] : undefined;
    });
    const wav = await waitFor('a complete WAV', async () => {
      const read = await readWav(path).catch(() => undefined);
      return read && read.samples.length > 8000 ? read : undefined;
    });
    assert.equal(wav.rate, 8000);
    return wav.samples;
  }

  for (const [language, code, protocol, wrongCode] of [
    ['fr', '481526', 'udp', '481527'],
    ['en', '907315', 'tcp', '907345'],
  ] as const) {
    it(`${language} over ${protocol}: the recording is the prompt for ${code}, not for ${wrongCode}`, async () => {
      const call: VoiceCall = { to: BARESIP_NUMBER, from: '15145550000', language, code, text: '' };
      const recorded = await callAndRecord(call, protocol);
      const expected = prompts.assemble(code, language);
      const right = bestCorrelation(recorded, expected);
      const wrong = bestCorrelation(recorded, prompts.assemble(wrongCode, language));
      const otherLanguage = bestCorrelation(
        recorded,
        prompts.assemble(code, language === 'fr' ? 'en' : 'fr'),
      );
      assert.ok(right > SAME_PROMPT, `correlation with the expected prompt ${right.toFixed(3)}`);
      assert.ok(
        wrong < right - 0.2,
        `a wrong code's prompt correlates ${wrong.toFixed(3)} vs ${right.toFixed(3)}`,
      );
      assert.ok(otherLanguage < 0.5, `the other language's prompt correlates ${otherLanguage.toFixed(3)}`);
      // The recording runs from the answer to our BYE: the prompt plus the set-up, less what baresip's
      // jitter buffer still held when the BYE came (within the prompt's 400 ms of closing silence).
      const seconds = (samples: Int16Array): number => samples.length / 8000;
      const extra = seconds(recorded) - seconds(expected);
      assert.ok(
        extra > -0.4 && extra < 1,
        `recorded ${seconds(recorded)} s for a ${seconds(expected)} s prompt`,
      );
    });
  }
});
