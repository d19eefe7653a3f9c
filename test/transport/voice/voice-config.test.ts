import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ConfigError, readConfig } from '../../../src/config.js';
import { createVoiceTransport } from '../../../src/transport-wiring.js';

describe('VOICE_URL in the configuration', () => {
  it('picks the SIP transport when VOICE_URL is set, the sandbox otherwise', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vm-voice-config-'));
    try {
      const log = pino({ level: 'silent' });
      const sip = createVoiceTransport(
        readConfig({ VOICE_URL: 'sip:acme:pw@10.0.0.5:5060;transport=tcp', DATA_DIR: dataDir }),
        log,
      );
      assert.equal(sip.kind, 'sip');
      await sip.close();
      const sandbox = createVoiceTransport(readConfig({ DATA_DIR: dataDir }), log);
      assert.equal(sandbox.kind, 'sandbox');
      await sandbox.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('fails start-up with one line per problem of VOICE_URL', () => {
    assert.throws(
      () => readConfig({ VOICE_URL: 'sip:trunk.example;transport=sctp;max_calls=0' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.message.split('\n'), [
          'VOICE_URL: transport must be one of udp, tcp',
          'VOICE_URL: max_calls must be a whole number from 1 to 1000',
        ]);
        return true;
      },
    );
  });
});
