import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  exceedsMaxParts,
  mergeFields,
  pickLanguage,
  renderEmail,
  renderSms,
  textToHtml,
} from '../../../src/domain/broadcasts/broadcast-render.js';
import type { RecipientContact } from '../../../src/domain/broadcasts/broadcasts.js';
import { makeTexts } from '../../helpers/broadcasts.js';

const contact: RecipientContact = {
  contactId: 7,
  number: '15145550101',
  email: 'ann@example.com',
  contactNumber: '15145550101',
  contactEmail: 'ann@example.com',
  name: 'Ann',
  description: 'VIP',
  language: 'en',
};

const texts = makeTexts;

describe('broadcast rendering', () => {
  it('replaces every merge field, each occurrence', () => {
    assert.equal(
      mergeFields('_NAME_/_EMAIL_/_NUMBER_/_NOTES_/_NAME_', contact),
      'Ann/ann@example.com/15145550101/VIP/Ann',
    );
  });

  it('renders an empty value as nothing', () => {
    const bare = { ...contact, name: '', contactEmail: null, contactNumber: null, description: '' };
    assert.equal(mergeFields('Hi _NAME_, [_EMAIL_][_NUMBER_][_NOTES_]', bare), 'Hi , [][][]');
  });

  it('takes the contact’s own number and email whatever the channels it is sent on', () => {
    const smsOnly = { ...contact, email: null };
    assert.equal(renderSms(texts({ enMessage: 'To _EMAIL_' }), smsOnly)?.body, 'To ann@example.com');
    const emailOnly = { ...contact, number: null };
    const email = renderEmail(texts({ enEmail: 'From _NUMBER_' }), emailOnly, 'n');
    assert.equal(email?.html, 'From 15145550101');
  });

  it('never expands a merge field found inside a value', () => {
    assert.equal(mergeFields('_NAME_ _NOTES_', { ...contact, name: '_NOTES_' }), '_NOTES_ VIP');
  });

  it('leaves unknown or partial tokens alone', () => {
    assert.equal(mergeFields('_name_ _PHONE_ NAME_', contact), '_name_ _PHONE_ NAME_');
  });

  it('picks the contact language, else the other one', () => {
    assert.equal(pickLanguage('fr', 'Bonjour', 'Hello'), 'Bonjour');
    assert.equal(pickLanguage('en', 'Bonjour', 'Hello'), 'Hello');
    assert.equal(pickLanguage('en', 'Bonjour', null), 'Bonjour');
    assert.equal(pickLanguage('fr', null, 'Hello'), 'Hello');
    assert.equal(pickLanguage('fr', null, null), null);
  });

  it('renders the SMS with its part count and encoding', () => {
    const sms = renderSms(texts({ frMessage: 'Allô _NAME_', enMessage: 'Hi _NAME_ (_NOTES_)' }), contact);
    assert.deepEqual(sms, {
      contactId: 7,
      to: '15145550101',
      body: 'Hi Ann (VIP)',
      partCount: 1,
      encoding: 'GSM-7',
      failure: null,
    });
    const fr = renderSms(texts({ frMessage: 'Ça coûte _NAME_' }), contact);
    assert.equal(fr?.encoding, 'UCS-2');
    assert.equal(fr?.body, 'Ça coûte Ann');
  });

  it('gives no SMS to a contact without a number, or without an SMS text', () => {
    assert.equal(renderSms(texts({ frMessage: 'x' }), { ...contact, number: null }), null);
    assert.equal(renderSms(texts({ frEmail: 'x' }), contact), null);
  });

  it('fails the recipient whose merged SMS exceeds 10 parts', () => {
    const long = { ...contact, description: 'x'.repeat(1530) };
    const sms = renderSms(texts({ enMessage: 'Note: _NOTES_ and more text here' }), long);
    assert.equal(sms?.partCount, 11);
    assert.equal(sms?.failure, 'message is too long (maximum 10 parts)');
    assert.equal(exceedsMaxParts('_NOTES_ short'), false);
    assert.equal(exceedsMaxParts('y'.repeat(1531)), true);
  });

  it('renders the email: subject and HTML-escaped text in the contact language', () => {
    const email = renderEmail(
      texts({
        frSubject: 'Sujet',
        enSubject: 'News for _NAME_',
        frEmail: 'Bonjour',
        enEmail: 'Hi <b>_NAME_</b> & "you"\nbye',
      }),
      { ...contact, name: "O'Neil <script>" },
      'Broadcast name',
    );
    assert.deepEqual(email, {
      contactId: 7,
      to: 'ann@example.com',
      subject: "News for O'Neil <script>",
      html: 'Hi &lt;b&gt;O&#39;Neil &lt;script&gt;&lt;/b&gt; &amp; &quot;you&quot;<br>\nbye',
    });
  });

  it('falls back for the email text and subject, and to the broadcast name for a missing subject', () => {
    const email = renderEmail(texts({ frEmail: 'Salut _NAME_' }), contact, 'Promo');
    assert.equal(email?.subject, 'Promo');
    assert.equal(email?.html, 'Salut Ann');
    assert.equal(renderEmail(texts({ frEmail: 'x' }), { ...contact, email: null }, 'n'), null);
    assert.equal(renderEmail(texts({ frMessage: 'x', frSubject: 's' }), contact, 'n'), null);
  });

  it('keeps a subject on one line whatever the merged values hold', () => {
    const email = renderEmail(
      texts({ enSubject: 'To _NOTES_', enEmail: 'b' }),
      { ...contact, description: 'a\r\nBcc: x' },
      'n',
    );
    assert.equal(email?.subject, 'To a Bcc: x');
  });

  it('writes line breaks of every kind as <br>', () => {
    assert.equal(textToHtml('a\r\nb\rc\nd'), 'a<br>\nb<br>\nc<br>\nd');
  });
});
