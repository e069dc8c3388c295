import type { BrokerContext } from '../context';
import { clientAddress } from '../http/clientAddress';
import { cancelWait, knock, waitByToken, waitStatus } from '../sessions/waits';
import { rateLimited } from './errors';
import { GONE, type Handlers } from './routeTable';

/**
 * The support site's "Join" form: no account, so the session number is all a stranger needs to knock.
 * Attempts are limited per client address; the controller still decides who gets in. Nothing is limited
 * per number: one stranger knocking a lot must not lock the real customer out of it (the reps are warned
 * instead, see sessions/waits.ts).
 */
export function joinByNumberHandlers(ctx: BrokerContext): Handlers<'joinByNumber' | 'waitStatus' | 'cancelWait'> {
  const { knocksPerAddress, refusalAudit } = ctx.limits;
  return {
    joinByNumber: async ({ body: { number, name }, req }) => {
      const address = clientAddress(req);
      const wait = await knocksPerAddress.hit(address);
      if (wait > 0) {
        if (await refusalAudit.take(`knock|${address}`)) {
          await ctx.store.audit({
            at: ctx.now(),
            actor: 'customer',
            action: 'knock-refused',
            sessionId: null,
            detail: { address },
          });
        }
        throw rateLimited(wait, 'Too many attempts to join from your network.');
      }
      return await knock(ctx, number, name, req.socket.remoteAddress ?? null);
    },

    // Long poll: an undecided wait holds the request up to waitMs for the controller's answer.
    waitStatus: async ({ body: { waitToken, waitMs = 0 }, res }) => {
      const wait = await waitByToken(ctx, waitToken);
      let status = await waitStatus(ctx, wait.id);
      if (status.status === 'waiting' && waitMs > 0) {
        const gone = new AbortController();
        const onClose = () => gone.abort();
        res.once('close', onClose);
        try {
          await ctx.waits.wait(wait.id, wait.sessionId, Math.min(waitMs, Math.max(0, status.expiresAt - ctx.now())), gone.signal);
        } finally {
          res.off('close', onClose);
        }
        if (gone.signal.aborted) return GONE; // the customer's page went away
        status = await waitStatus(ctx, wait.id);
      }
      return status;
    },

    cancelWait: async ({ body }) => {
      await cancelWait(ctx, await waitByToken(ctx, body.waitToken));
      return { ok: true };
    },
  };
}
