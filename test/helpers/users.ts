import type { NewUser } from '../../src/domain/ports/users-store.js';

/** A user row for a test account: an admin without a password, in French, in Québec's time zone. */
export function testUser(accountId: number, email: string, overrides: Partial<NewUser> = {}): NewUser {
  return {
    accountId,
    email,
    name: '',
    role: 'admin',
    language: 'fr',
    timeZone: 'America/Toronto',
    ...overrides,
  };
}
