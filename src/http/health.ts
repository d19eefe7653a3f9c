import type { AppContext } from '../app-context.js';

/**
 * What `/health` answers: each SMS connector's state (bound, retrying and why) and the transports
 * in use, as this process sees them. The dashboard shows the same object.
 */
export function healthReport(ctx: Pick<AppContext, 'sms' | 'email'>) {
  return {
    status: true,
    sms: { transport: ctx.sms.kind, connectors: ctx.sms.status() },
    email: { transport: ctx.email.kind },
  } as const;
}

export type HealthReport = ReturnType<typeof healthReport>;
