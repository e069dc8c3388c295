import { Router } from 'express';
import { ErrorCode, LoginRequest } from '../../core/protocol';
import type { BrokerContext } from '../context';
import { decoyHash, verifyPassword } from '../auth/passwords';
import { hashToken, newRepToken } from '../auth/tokens';
import { RateLimiter } from '../auth/rateLimit';
import { repView } from '../sessions/views';
import { ApiError, parse, unauthorized } from './errors';
import { repOf, requireRep } from './authenticate';

const LOGIN_ATTEMPTS_PER_MINUTE = 10;

/** Sign in, sign out, who am I. */
export function accountRouter(ctx: BrokerContext): Router {
  const router = Router();
  const limiter = new RateLimiter(LOGIN_ATTEMPTS_PER_MINUTE, 60_000, ctx.now);

  router.post('/login', async (req, res) => {
    const { email, password } = parse(LoginRequest, req.body);
    // Per address and email: one guesser cannot lock everyone out of an account.
    const wait = limiter.hit(`${req.ip ?? ''}|${email}`);
    if (wait > 0) throw new ApiError(429, ErrorCode.rateLimited, `Too many attempts, try again in ${wait} s`);

    const rep = ctx.store.findRepByEmail(email);
    // Verify against a decoy for unknown emails so timing does not reveal which accounts exist.
    const ok = (await verifyPassword(password, rep?.passwordHash ?? (await decoyHash()))) && rep !== undefined;
    const at = ctx.now();
    if (!ok || !rep) {
      ctx.store.audit({ at, actor: `email:${email}`, action: 'login-failed', sessionId: null, detail: null });
      throw unauthorized('Email or password is incorrect');
    }
    const token = newRepToken();
    ctx.store.transaction(() => {
      ctx.store.insertRepToken({ tokenHash: hashToken(token), repId: rep.id, createdAt: at });
      ctx.store.audit({ at, actor: `rep:${rep.id}`, action: 'login', sessionId: null, detail: null });
    });
    res.json({ token, rep: repView(rep) });
  });

  router.post('/logout', requireRep(ctx), (_req, res) => {
    const { rep, tokenHash } = repOf(res);
    const at = ctx.now();
    ctx.store.transaction(() => {
      ctx.store.revokeRepToken(tokenHash, at);
      ctx.store.audit({ at, actor: `rep:${rep.id}`, action: 'logout', sessionId: null, detail: null });
    });
    res.json({ ok: true });
  });

  router.get('/me', requireRep(ctx), (_req, res) => {
    res.json({ rep: repView(repOf(res).rep) });
  });

  return router;
}
