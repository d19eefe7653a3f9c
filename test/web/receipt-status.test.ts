import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RECEIPT_CODES } from '../../src/domain/messages/receipt-status.js';
import { hasReceiptText, receiptStatusText } from '../../src/web/i18n/receipt-status.js';

test('every code of the §6 table has a name and an action in French and English', () => {
  for (const code of RECEIPT_CODES)
    assert.ok(hasReceiptText(code.state, code.code), `${code.state} ${code.code}`);
  assert.deepEqual(receiptStatusText('fr', 'UNDELIV_303'), {
    code: 'UNDELIV_303',
    name: 'Numéro de destination invalide',
    action: 'Retirer ce destinataire de vos listes',
  });
  assert.deepEqual(receiptStatusText('en', 'EXPIRED_102'), {
    code: 'EXPIRED_102',
    name: 'Validity period expired',
    action: 'Try again later',
  });
  assert.equal(receiptStatusText('fr', 'UNDELIV_999'), undefined, 'a carrier’s own code');
  assert.equal(receiptStatusText('fr', 'garbage'), undefined);
});
