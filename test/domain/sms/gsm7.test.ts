import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeGsm7, encodeGsm7, gsm7Septets, isGsm7 } from '../../../src/domain/sms/gsm7.js';

describe('GSM 03.38 alphabet', () => {
  it('puts characters at their 3GPP TS 23.038 positions', () => {
    const positions: Array<[string, number]> = [
      ['@', 0x00],
      ['£', 0x01],
      ['$', 0x02],
      ['è', 0x04],
      ['é', 0x05],
      ['Ç', 0x09],
      ['\n', 0x0a],
      ['Δ', 0x10],
      ['_', 0x11],
      ['É', 0x1f],
      [' ', 0x20],
      ['¤', 0x24],
      ['0', 0x30],
      ['¡', 0x40],
      ['A', 0x41],
      ['Ä', 0x5b],
      ['§', 0x5f],
      ['¿', 0x60],
      ['a', 0x61],
      ['ä', 0x7b],
      ['ü', 0x7e],
      ['à', 0x7f],
    ];
    for (const [char, septet] of positions) assert.deepEqual([...encodeGsm7(char)], [septet], char);
  });

  it('escapes the extension table, two septets each', () => {
    const extension: Array<[string, number]> = [
      ['\f', 0x0a],
      ['^', 0x14],
      ['{', 0x28],
      ['}', 0x29],
      ['\\', 0x2f],
      ['[', 0x3c],
      ['~', 0x3d],
      [']', 0x3e],
      ['|', 0x40],
      ['€', 0x65],
    ];
    for (const [char, septet] of extension) {
      assert.deepEqual([...encodeGsm7(char)], [0x1b, septet], char);
      assert.equal(gsm7Septets(char), 2);
    }
  });

  it('knows which characters force UCS-2 (the contract’s list)', () => {
    for (const char of 'éèùìòàÉÇÄÖÑÜäöñü') assert.ok(isGsm7(char), char);
    for (const char of 'çêâîôûëïœ«»’😀') assert.ok(!isGsm7(char), char);
    assert.throws(() => encodeGsm7('ç'), /U\+00E7 is not in the GSM-7 alphabet/);
  });

  it('decodes what it encodes, and reads an unknown escape as the default character', () => {
    const text = 'Bonjour @ 5€ [ok] {x} ~|^\\ ÄÖÑÜ§¿ äöñüà\f\n';
    assert.equal(decodeGsm7(encodeGsm7(text)), text);
    assert.equal(decodeGsm7(Buffer.from([0x1b, 0x41, 0x42])), 'AB');
    assert.equal(decodeGsm7(Buffer.from([0x41, 0x1b])), 'A');
  });
});
