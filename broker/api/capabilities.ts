import { Router } from 'express';
import type { Capabilities } from '../../core/protocol';
import type { BrokerContext } from '../context';
import { siteUrl } from '../sessions/views';

/** GET /api/capabilities (no sign-in): what this broker offers, so clients can explain what they can't do. */
export function capabilitiesRouter(ctx: BrokerContext): Router {
  const router = Router();
  router.get('/capabilities', (_req, res) => {
    const body: Capabilities = {
      serverMail: ctx.mailer !== null,
      inviteTtlHours: ctx.inviteTtlMs / 3_600_000,
      siteUrl: siteUrl(ctx),
    };
    res.json(body);
  });
  return router;
}
