import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../domain/ports/password-hasher.js';

/**
 * Tuning of argon2id: the library's defaults are OWASP's first recommendation (19 MiB, two passes,
 * one lane), about 30 ms a hash on one core. Tests may lower them; a stored hash carries its own
 * parameters, so changing them later does not lock anyone out.
 */
export interface Argon2Settings {
  readonly memoryCost?: number;
  readonly timeCost?: number;
}

/** The PasswordHasher port on argon2id (`@node-rs/argon2`, whose default algorithm it is). */
export class Argon2Hasher implements PasswordHasher {
  constructor(private readonly settings: Argon2Settings = {}) {}

  hash(password: string): Promise<string> {
    return hash(password, { ...this.settings });
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false; // not an argon2 PHC string: no password matches it
    }
  }
}
