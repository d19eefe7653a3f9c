import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { VoicePrompts } from '../../../src/transport/voice/voice-prompts.js';

const ASSETS = new URL('../../../assets/voice/', import.meta.url);
const samplesOf = (language: string, name: string): number =>
  readFileSync(new URL(`${language}/${name}.ulaw`, ASSETS)).length;
const ms = (value: number): number => (value * 8000) / 1000;

describe('VoicePrompts: the prompt assembled from the recorded pieces', () => {
  const prompts = new VoicePrompts();

  it('says the intro, the digits with pauses, "je répète", the digits again, in that order', () => {
    const fr = prompts.assemble('12', 'fr');
    const reading = samplesOf('fr', 'digit-1') + ms(300) + samplesOf('fr', 'digit-2');
    const expected =
      ms(300) +
      samplesOf('fr', 'intro') +
      ms(350) +
      reading +
      ms(800) +
      samplesOf('fr', 'repeat') +
      ms(350) +
      reading +
      ms(400);
    assert.equal(fr.length, expected);
    // The two readings are the same samples.
    const firstStart = ms(300) + samplesOf('fr', 'intro') + ms(350);
    const secondStart = firstStart + reading + ms(800) + samplesOf('fr', 'repeat') + ms(350);
    assert.deepEqual(
      fr.subarray(firstStart, firstStart + reading),
      fr.subarray(secondStart, secondStart + reading),
    );
    assert.ok(
      fr.subarray(firstStart, firstStart + samplesOf('fr', 'digit-1')).some((s) => Math.abs(s) > 1000),
      'speech, not silence',
    );
  });

  it('each language and each digit has its own recording', () => {
    const digits = Array.from({ length: 10 }, (_, d) =>
      readFileSync(new URL(`en/digit-${d}.ulaw`, ASSETS)).toString('hex'),
    );
    assert.equal(new Set(digits).size, 10);
    assert.notDeepEqual(prompts.assemble('4815', 'fr'), prompts.assemble('4815', 'en'));
    assert.deepEqual(
      prompts.assemble('4-8', 'en'),
      prompts.assemble('48', 'en'),
      'anything but digits is skipped',
    );
  });
});
