import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseVerificationChannel,
  verificationSmsText,
  verificationVoiceText,
} from '../../../src/domain/verification/verification.js';

describe('verification codes', () => {
  it('writes the fixed SMS text of each language', () => {
    assert.equal(verificationSmsText('123456', 'fr'), 'Votre code de vérification est 123456');
    assert.equal(verificationSmsText('123456', 'en'), 'Your verification code is 123456');
  });

  it('reads the digits one by one, twice, on the phone', () => {
    assert.equal(
      verificationVoiceText('1234', 'en'),
      'Your verification code is: 1, 2, 3, 4. I repeat: 1, 2, 3, 4.',
    );
    assert.equal(
      verificationVoiceText('907', 'fr'),
      'Votre code de vérification est : 9, 0, 7. Je répète : 9, 0, 7.',
    );
  });

  it('sends to mobiles by SMS, to landlines by voice, and tries SMS first when the type is unknown', () => {
    assert.deepEqual(chooseVerificationChannel('447400123456', false, []), {
      channel: 'sms',
      fallbackToVoice: false,
    });
    assert.deepEqual(chooseVerificationChannel('442079460000', false, []), { channel: 'voice' });
    // NANP numbers are FIXED_LINE_OR_MOBILE.
    assert.deepEqual(chooseVerificationChannel('15145550123', false, []), {
      channel: 'sms',
      fallbackToVoice: true,
    });
  });

  it('calls a number learnt to be a landline, or one under an operator’s landline prefix', () => {
    assert.deepEqual(chooseVerificationChannel('15145550123', true, []), { channel: 'voice' });
    assert.deepEqual(chooseVerificationChannel('15145550123', false, ['1514555']), { channel: 'voice' });
    assert.deepEqual(chooseVerificationChannel('15145550123', false, ['1438']), {
      channel: 'sms',
      fallbackToVoice: true,
    });
  });
});
