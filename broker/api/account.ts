import { Router } from 'express';
import { ErrorCode, LoginRequest, type LoginResponse } from '../../core/protocol';
import type { BrokerContext } from '../context';
import { decoyHash, verifyPassword } from '../auth/passwords';
import { RateLimiter } from '../auth/rateLimit';
import { issueRepToken } from '../auth/repTokens';
import { repView } from '../sessions/views';
import { ApiError, parse, unauthorized } from './errors';
import { repOf, requireRep } from './authenticate';

const LOGIN_ATTEMPTS_PER_MINUTE = 10;

export const LOGIN_INCORRECT = 'Email or password is incorrect';
export const ACCOUNT_DISABLED = 'This account is disabled. Ask your administrator to enable it.';

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
    if (!ok || !rep) {
      audit(ctx, `email:${email}`, 'login-failed', null);
      throw unauthorized(LOGIN_INCORRECT);
    }
    // Only now: saying "disabled" to a wrong password would tell strangers which accounts exist.
    if (rep.disabledAt !== null) {
      audit(ctx, `rep:${rep.id}`, 'login-refused', { limit: 'disabled' });
      throw unauthorized(ACCOUNT_DISABLED);
    }
    const issued = ctx.store.transaction(() => {
      const token = issueRepToken(ctx, rep.id);
      audit(ctx, `rep:${rep.id}`, 'login', null);
      return token;
    });
    const body: LoginResponse = { token: issued.token, rep: repView(rep), expiresAt: issued.expiresAt };
    res.json(body);
  });

  router.post('/logout', requireRep(ctx), (_req, res) => {
    const { rep, tokenHash } = repOf(res);
    ctx.store.transaction(() => {
      ctx.store.revokeRepToken(tokenHash, ctx.now());
      audit(ctx, `rep:${rep.id}`, 'logout', null);
    });
    ctx.revocations.revoked({ kind: 'rep-token', tokenHash, repId: rep.id });
    res.json({ ok: true });
  });

  router.get('/me', requireRep(ctx), (_req, res) => {
    res.json({ rep: repView(repOf(res).rep) });
  });

  return router;
}

function audit(ctx: BrokerContext, actor: string, action: string, detail: Record<string, unknown> | null): void {
  ctx.store.audit({ at: ctx.now(), actor, action, sessionId: null, detail });
}
