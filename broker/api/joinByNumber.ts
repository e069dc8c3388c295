import { Router } from 'express';
import { CancelWaitRequest, ErrorCode, JoinByNumberRequest, WaitStatusRequest } from '../../core/protocol';
import type { BrokerContext } from '../context';
import { RateLimiter } from '../auth/rateLimit';
import { cancelWait, knock, waitByToken, waitStatus } from '../sessions/waits';
import { ApiError, parse } from './errors';

export interface JoinByNumberLimits {
  /** Attempts per client address per minute. */
  perAddress: number;
  /** Attempts per session number per minute. */
  perNumber: number;
}

/**
 * The support site's "Join" form: no account, so the session number is all a stranger needs to knock.
 * Attempts are limited per client address and per number; the controller still decides who gets in.
 */
export function joinByNumberRouter(ctx: BrokerContext, limits: JoinByNumberLimits): Router {
  const router = Router();
  const byAddress = new RateLimiter(limits.perAddress, 60_000, ctx.now);
  const byNumber = new RateLimiter(limits.perNumber, 60_000, ctx.now);

  router.post('/join-by-number', (req, res) => {
    const { number, name } = parse(JoinByNumberRequest, req.body);
    // The socket's own address. Behind a reverse proxy every customer shares the proxy's address:
    // that deployment needs Express's `trust proxy` set and req.ip used here instead.
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = byAddress.hit(address) || byNumber.hit(number);
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      throw new ApiError(429, ErrorCode.rateLimited, `Too many attempts, try again in ${wait} s`);
    }
    res.status(201).json(knock(ctx, number, name, address));
  });

  // Long poll: an undecided wait holds the request up to waitMs for the controller's answer.
  router.post('/join-by-number/status', async (req, res) => {
    const { waitToken, waitMs = 0 } = parse(WaitStatusRequest, req.body);
    const wait = waitByToken(ctx, waitToken);
    let status = waitStatus(ctx, wait.id);
    if (status.status === 'waiting' && waitMs > 0) {
      const gone = new AbortController();
      const onClose = () => gone.abort();
      res.once('close', onClose);
      try {
        await ctx.waits.wait(wait.id, wait.sessionId, Math.min(waitMs, Math.max(0, status.expiresAt - ctx.now())), gone.signal);
      } finally {
        res.off('close', onClose);
      }
      if (gone.signal.aborted) return; // the customer's page went away
      status = waitStatus(ctx, wait.id);
    }
    res.json(status);
  });

  router.post('/join-by-number/cancel', (req, res) => {
    cancelWait(ctx, waitByToken(ctx, parse(CancelWaitRequest, req.body).waitToken));
    res.json({ ok: true });
  });

  return router;
}
