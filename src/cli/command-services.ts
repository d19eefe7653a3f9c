import type { CaslFooterSettings } from '../domain/consent/casl-footer-settings.js';
import type { ConsentService } from '../domain/consent/consent-service.js';
import type { SuppressionService } from '../domain/consent/suppression-service.js';
import type { AccountsService } from '../domain/accounts/accounts-service.js';
import type { UsersService } from '../domain/users/users-service.js';
import type { LandlineService } from '../domain/verification/landline-service.js';
import type { KeywordService } from '../domain/keywords/keyword-service.js';
import type { InboundSms } from '../domain/ports/transports.js';
import type { Output } from './output.js';

/** What `sandbox receive` learns of the MO message it stored. */
export type InboundOutcome =
  | { readonly routed: true; readonly messageId: number; readonly contactId: number | null }
  | { readonly routed: false };

/**
 * The services the administration commands call, over a migrated store. The composition root
 * (main.ts, `openServices`) builds them; no command reaches the store itself.
 */
export interface CliServices {
  readonly accounts: AccountsService;
  /** Users of the web platform: `user add` (an invitation link), `user list`, `user remove`. */
  readonly users: UsersService;
  /** Stores an MO message as if the carrier had delivered it (routing, opt-out keywords, webhooks). */
  receiveInbound(sms: InboundSms): Promise<InboundOutcome>;
  /** The operator's landline list and NPA-NXX line-type blocks (`vudumobile landline …`). */
  readonly landlines: LandlineService;
  /** An account's keywords, auto-replies and contests (`vudumobile keyword …`). */
  readonly keywords: KeywordService;
  /** CASL: the consent log's account setting (`account consent-default`). */
  readonly consent: ConsentService;
  /** CASL: the suppression list with its history (`vudumobile suppression …`). */
  readonly suppressions: SuppressionService;
  /** CASL: the footer of commercial broadcasts (`account casl-footer`). */
  readonly caslFooter: CaslFooterSettings;
}

/** Runs a command body with the services, closing the store after it; program.ts provides it. */
export type WithServices = (fn: (services: CliServices, out: Output) => Promise<void>) => Promise<void>;
