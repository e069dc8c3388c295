import { Router } from 'express';
import { CheckInviteRequest, CreateInviteRequest, JoinRequest, OpaqueId } from '../../core/protocol';
import type { BrokerContext } from '../context';
import { createSession, endSession, leaveSession, listSessions, sessionDetail } from '../sessions/lifecycle';
import { checkInvite, createInvite, joinByInvite } from '../sessions/invites';
import { parse } from './errors';
import { callerOf, repOf, requireCaller, requireRep } from './authenticate';

/** Session routes: thin — validate, call the session rules, answer. */
export function sessionsRouter(ctx: BrokerContext): Router {
  const router = Router();
  const sessionId = (params: { id?: unknown }) => parse(OpaqueId, params.id);

  router.post('/sessions', requireRep(ctx), (_req, res) => {
    res.status(201).json(createSession(ctx, repOf(res).rep));
  });

  router.get('/sessions', requireRep(ctx), (_req, res) => {
    res.json({ sessions: listSessions(ctx, repOf(res).rep) });
  });

  router.get('/sessions/:id', requireCaller(ctx), (req, res) => {
    res.json(sessionDetail(ctx, callerOf(res), sessionId(req.params)));
  });

  router.post('/sessions/:id/invites', requireCaller(ctx), (req, res) => {
    const id = sessionId(req.params);
    res.status(201).json(createInvite(ctx, callerOf(res), id, parse(CreateInviteRequest, req.body)));
  });

  router.post('/sessions/:id/leave', requireCaller(ctx), (req, res) => {
    leaveSession(ctx, callerOf(res), sessionId(req.params));
    res.json({ ok: true });
  });

  router.post('/sessions/:id/end', requireCaller(ctx), (req, res) => {
    endSession(ctx, callerOf(res), sessionId(req.params));
    res.json({ ok: true });
  });

  // No account needed: the invite token is the credential. POST keeps the token out of URLs and logs.
  router.post('/invites/check', (req, res) => {
    res.json(checkInvite(ctx, parse(CheckInviteRequest, req.body).invite));
  });

  router.post('/join', (req, res) => {
    const { invite, name } = parse(JoinRequest, req.body);
    res.status(201).json(joinByInvite(ctx, invite, name));
  });

  return router;
}
