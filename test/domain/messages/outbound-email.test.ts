import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlToText, parseEmailRequest } from '../../../src/domain/messages/outbound-email.js';
import { DomainError } from '../../../src/domain/errors.js';

describe('send_email parameters', () => {
  it('normalises the address and accepts html as htm', () => {
    assert.deepEqual(
      parseEmailRequest({ to: ' Some@Some.COM ', subject: 'Hi', message: 'x', format: 'html' }),
      {
        to: 'some@some.com',
        subject: 'Hi',
        body: 'x',
        format: 'htm',
      },
    );
  });

  it('refuses with the contract’s texts', () => {
    const error = (params: Record<string, string>) => {
      try {
        parseEmailRequest(params);
      } catch (e) {
        assert.ok(e instanceof DomainError);
        return e.message;
      }
      return 'no error';
    };
    const full = { to: 'a@b.ca', subject: 's', message: 'm', format: 'text' };
    for (const missing of ['to', 'subject', 'message', 'format'])
      assert.equal(error({ ...full, [missing]: '' }), 'to, subject, message or format parameter is missing');
    assert.equal(error({ ...full, to: 'nope' }), 'to is not a valid email address');
    assert.equal(error({ ...full, format: 'pdf' }), 'format must be text or htm');
  });
});

describe('the plain-text alternative of an HTML email', () => {
  it('keeps the text, paragraphs, list items and link targets', () => {
    const html =
      '<html><head><title>T</title><style>p{color:red}</style></head><body>' +
      '<h1>Bonjour&nbsp;Marie</h1><p>Votre commande est <b>prête</b> &amp; payée.</p>' +
      '<ul><li>Un</li><li>Deux</li></ul><p>Voir <a href="https://example.com/c/1">la commande</a><br>Merci</p>' +
      '<script>alert(1)</script></body></html>';
    assert.equal(
      htmlToText(html),
      'Bonjour Marie\n\nVotre commande est prête & payée.\n\n- Un\n- Deux\n\nVoir la commande (https://example.com/c/1)\nMerci',
    );
  });

  it('decodes numeric entities', () => {
    assert.equal(htmlToText('&#233;t&#xE9; &lt;3'), 'été <3');
  });
});
