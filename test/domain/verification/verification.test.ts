import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseVerificationChannel,
  generateCode,
  parseVerificationRequest,
  verificationSmsText,
  verificationVoiceText,
} from '../../../src/domain/verification/verification.js';

const UNKNOWN = { listed: false, lineType: undefined };
const LISTED = { listed: true, lineType: undefined };

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
    assert.deepEqual(chooseVerificationChannel('447400123456', UNKNOWN, []), {
      channel: 'sms',
      fallbackToVoice: false,
    });
    assert.deepEqual(chooseVerificationChannel('442079460000', UNKNOWN, []), { channel: 'voice' });
    // NANP numbers are FIXED_LINE_OR_MOBILE.
    assert.deepEqual(chooseVerificationChannel('15145550123', UNKNOWN, []), {
      channel: 'sms',
      fallbackToVoice: true,
    });
  });

  it('calls a number learnt to be a landline, or one under an operator’s landline prefix', () => {
    assert.deepEqual(chooseVerificationChannel('15145550123', LISTED, []), { channel: 'voice' });
    assert.deepEqual(chooseVerificationChannel('15145550123', UNKNOWN, ['1514555']), { channel: 'voice' });
    assert.deepEqual(chooseVerificationChannel('15145550123', UNKNOWN, ['1438']), {
      channel: 'sms',
      fallbackToVoice: true,
    });
  });

  it('calls a North American number at once when its NPA-NXX block says fixed, not when it says mobile', () => {
    assert.deepEqual(chooseVerificationChannel('15145550123', { listed: false, lineType: 'fixed' }, []), {
      channel: 'voice',
    });
    assert.deepEqual(chooseVerificationChannel('15145550123', { listed: false, lineType: 'mobile' }, []), {
      channel: 'sms',
      fallbackToVoice: true,
    });
  });

  it('leaves the code to the platform when the request gives none, and checks one it gives', () => {
    const account = { defaultCountry: 'CA', defaultLanguage: 'fr' };
    assert.equal(parseVerificationRequest({ to: '5145550123' }, account).code, undefined);
    assert.equal(parseVerificationRequest({ to: '5145550123', code: ' ' }, account).code, undefined);
    assert.equal(parseVerificationRequest({ to: '5145550123', code: '0042' }, account).code, '0042');
    assert.throws(() => parseVerificationRequest({ to: '5145550123', code: '12' }, account), {
      message: 'code must be 4 to 10 digits',
    });
  });

  it('generates 6-digit codes, leading zeros kept, spread over every digit', () => {
    const codes = Array.from({ length: 2000 }, generateCode);
    for (const code of codes) assert.match(code, /^\d{6}$/);
    // 2000 draws of 1,000,000 codes: about 2 repeats are expected (birthday bound), not a dozen.
    assert.ok(new Set(codes).size > 1990);
    for (const digit of '0123456789')
      assert.ok(
        codes.some((c) => c.startsWith(digit)),
        digit,
      );
  });
});
