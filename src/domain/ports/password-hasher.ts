/**
 * How passwords are hashed and checked: argon2id in src/security/argon2-hasher.ts, wired in the
 * composition root. A password or a hash never leaves the service that holds it, and is never logged.
 */
export interface PasswordHasher {
  /** A self-describing hash (PHC string: algorithm, parameters, salt, digest). */
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a hash that cannot be read; never throws for either. */
  verify(hash: string, password: string): Promise<boolean>;
}
