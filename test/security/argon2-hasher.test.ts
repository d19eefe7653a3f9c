import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Argon2Hasher } from '../../src/security/argon2-hasher.js';

describe('Argon2Hasher: the PasswordHasher port on argon2id', () => {
  const hasher = new Argon2Hasher();

  it('hashes with argon2id at OWASP’s parameters, salted, and verifies', async () => {
    const first = await hasher.hash('correct horse battery');
    const second = await hasher.hash('correct horse battery');
    assert.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(first, second, 'a fresh salt each time');
    assert.ok(!first.includes('correct horse'));
    assert.equal(await hasher.verify(first, 'correct horse battery'), true);
    assert.equal(await hasher.verify(second, 'correct horse battery'), true);
    assert.equal(await hasher.verify(first, 'correct horse batterY'), false);
  });

  it('answers false, never throws, for a hash it cannot read', async () => {
    for (const stored of [
      '',
      'plaintext',
      '$2b$10$abcdefghijklmnopqrstuv',
      '$argon2id$v=19$m=1,t=1,p=1$xx$yy',
    ]) {
      assert.equal(await hasher.verify(stored, 'plaintext'), false, stored);
    }
  });
});
