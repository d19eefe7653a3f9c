import type { AppContext } from '../../app-context.js';
import type { Endpoint } from '../endpoint.js';
import { broadcastEndpoints } from './broadcasts.js';
import { consentEndpoints } from './consent.js';
import { contactEndpoints } from './contacts.js';
import { emailEndpoints } from './email.js';
import { groupEndpoints } from './groups.js';
import { messageEndpoints } from './messages.js';
import { verificationEndpoints } from './verification.js';
import { importEndpoints } from './imports.js';
import { webhookEndpoints } from './webhooks.js';
import { keywordEndpoints } from './keywords.js';
import { usageEndpoints } from './usage.js';

/** Every endpoint of the API, by area. */
export function allEndpoints(ctx: AppContext): Endpoint[] {
  return [
    ...messageEndpoints(ctx),
    ...emailEndpoints(ctx),
    ...verificationEndpoints(ctx),
    ...contactEndpoints(ctx),
    ...groupEndpoints(ctx),
    ...broadcastEndpoints(ctx),
    ...importEndpoints(ctx),
    ...webhookEndpoints(ctx),
    ...keywordEndpoints(ctx),
    ...consentEndpoints(ctx),
    ...usageEndpoints(ctx),
  ];
}
