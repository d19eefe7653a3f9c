import type { UsersStore } from '../ports/users-store.js';
import { renderInvitationEmail } from './invitation-email.js';
import { renderResetEmail } from './reset-email.js';
import { INVITATION_TTL_MS, invitationPath, resetPath, type UiLanguage, type User } from './users.js';

export interface UserEmailsDeps {
  readonly store: Pick<UsersStore, 'queueEmail'>;
  readonly now: () => number;
  /** Base of the links (PUBLIC_URL), without a trailing slash. */
  readonly publicUrl: string;
  /** The From of the platform's own emails (MAIL_FROM). */
  readonly mailFrom: string;
  /** Wakes the email dispatcher of this process once an email is queued. */
  readonly onEmailQueued: () => void;
}

/**
 * The platform's own emails to its users — an invitation, a password reset — and the links they
 * carry. Both go through the account's email queue like any email, so they are durable and retried.
 */
export class UserEmails {
  constructor(private readonly deps: UserEmailsDeps) {}

  invitationUrl(token: string): string {
    return `${this.deps.publicUrl}${invitationPath(token)}`;
  }

  resetUrl(token: string): string {
    return `${this.deps.publicUrl}${resetPath(token)}`;
  }

  /** The invitation link, in the invited person's language, naming who invited them. */
  async invitation(user: User, accountName: string, token: string, invitedBy: string): Promise<void> {
    const mail = renderInvitationEmail(user.language, {
      name: user.name,
      email: user.email,
      accountName,
      invitedBy,
      link: this.invitationUrl(token),
      days: Math.round(INVITATION_TTL_MS / 86_400_000),
    });
    await this.queue(user, 'invitation', mail);
  }

  /** The "forgot password" link, in `language`. */
  async reset(user: User, accountName: string, token: string, language: UiLanguage): Promise<void> {
    const mail = renderResetEmail(language, {
      name: user.name,
      email: user.email,
      accountName,
      link: this.resetUrl(token),
    });
    await this.queue(user, 'password_reset', mail);
  }

  private async queue(
    user: User,
    kind: 'invitation' | 'password_reset',
    mail: { subject: string; text: string },
  ): Promise<void> {
    await this.deps.store.queueEmail({
      accountId: user.accountId,
      kind,
      from: this.deps.mailFrom,
      to: user.email,
      subject: mail.subject,
      body: mail.text,
      format: 'text',
      acceptedAt: this.deps.now(),
    });
    this.deps.onEmailQueued();
  }
}
