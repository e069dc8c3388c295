import type { BrokerContext } from '../context';
import { siteUrl } from '../sessions/views';
import type { Handlers } from './routeTable';

/** GET /api/capabilities (no sign-in): what this broker offers, so clients can explain what they can't do. */
export function capabilitiesHandlers(ctx: BrokerContext): Handlers<'capabilities'> {
  return {
    capabilities: () => ({
      serverMail: ctx.mailer !== null,
      inviteTtlHours: ctx.inviteTtlMs / 3_600_000,
      siteUrl: siteUrl(ctx),
      ...(ctx.orgName ? { orgName: ctx.orgName } : {}),
    }),
  };
}
