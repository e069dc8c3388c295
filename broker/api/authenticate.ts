import type { Request, RequestHandler, Response } from 'express';
import type { RepRow } from '../store';
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
  return (req, res, next) => {
    const token = bearerToken(req);
    const caller = token === undefined ? undefined : resolveToken(ctx, token);
    // A rep token that stopped working says why (expired, signed out, disabled), so the panel can tell the rep.
    if (!caller) throw unauthorized(token === undefined ? undefined : repTokenRefusal(ctx, token));
    if (!accepts(caller)) throw unauthorized();
    res.locals.caller = caller;
    next();
  };
}

export const callerOf = (res: Response) => res.locals.caller as Caller;
export function repOf(res: Response): { rep: RepRow; tokenHash: string } {
  const caller = callerOf(res);
  if (caller.kind !== 'rep') throw unauthorized();
  return caller;
}
