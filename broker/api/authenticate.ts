import type { Request, RequestHandler } from 'express';
import type { BrokerContext } from '../context';
import { resolveToken, type Caller } from '../sessions/caller';
import { repTokenRefusal } from '../auth/repTokens';
import { unauthorized } from './errors';

/** `Authorization: Bearer <token>`; tokens are opaque, URL-safe and short. */
export function bearerToken(req: Request): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{16,256})$/.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/** Any valid token: a rep's, or a customer's peerToken. */
export function requireCaller(ctx: BrokerContext): RequestHandler {
  return authenticate(ctx, () => true);
}

/** A signed-in rep only. */
export function requireRep(ctx: BrokerContext): RequestHandler {
  return authenticate(ctx, (caller) => caller.kind === 'rep');
}

function authenticate(ctx: BrokerContext, accepts: (caller: Caller) => boolean): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    const caller = token === undefined ? undefined : await resolveToken(ctx, token);
    // A rep token that stopped working says why (expired, signed out, disabled), so the panel can tell the rep.
    if (!caller) throw unauthorized(token === undefined ? undefined : await repTokenRefusal(ctx, token));
    if (!accepts(caller)) throw unauthorized();
    res.locals.caller = caller;
    next();
  };
}
