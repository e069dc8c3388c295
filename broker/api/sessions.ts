import { Router } from 'express';
import {
  AssistRequest,
  CheckInviteRequest,
  CreateInviteRequest,
  DecideWaitRequest,
  JoinRequest,
  OpaqueId,
  PassControlRequest,
  RemoveParticipantRequest,
  RevokeInvitesRequest,
  SessionNumber,
  SetActiveCustomerRequest,
} from '../../core/protocol';
import type { BrokerContext } from '../context';
import { createSession, endSession, leaveSession, listSessions, sessionDetail } from '../sessions/lifecycle';
import { checkInvite, createInvite, joinByInvite, listInvites, revokeInvites } from '../sessions/invites';
import { assistByInvite, assistByNumber, type AssistResult } from '../sessions/assist';
import { admitWait, declineWait } from '../sessions/waits';
import { setActiveCustomer } from '../sessions/activeCustomer';
import { clientAddress } from '../http/clientAddress';
import { removeParticipant } from '../sessions/remove';
import { passControl } from '../sessions/control';
import { parse } from './errors';
import { callerOf, repOf, requireCaller, requireRep } from './authenticate';

/** Session routes: thin — validate, call the session rules, answer. */
export function sessionsRouter(ctx: BrokerContext): Router {
  const router = Router();
  const sessionId = (params: { id?: unknown }) => parse(OpaqueId, params.id);
  const assisted = (res: import('express').Response, result: AssistResult) =>
    res.status(result.created ? 201 : 200).json(result.body);

  router.post('/sessions', requireRep(ctx), (_req, res) => {
    res.status(201).json(createSession(ctx, repOf(res).rep));
  });

  router.get('/sessions', requireRep(ctx), (_req, res) => {
    res.json({ sessions: listSessions(ctx, repOf(res).rep) });
  });

  router.get('/sessions/:id', requireCaller(ctx), (req, res) => {
    res.json(sessionDetail(ctx, callerOf(res), sessionId(req.params)));
  });

  router.get('/sessions/:id/invites', requireCaller(ctx), (req, res) => {
    res.json({ invites: listInvites(ctx, callerOf(res), sessionId(req.params)) });
  });

  router.post('/sessions/:id/invites', requireCaller(ctx), async (req, res) => {
    const id = sessionId(req.params);
    res.status(201).json(await createInvite(ctx, callerOf(res), id, parse(CreateInviteRequest, req.body)));
  });

  router.post('/sessions/:id/invites/revoke', requireCaller(ctx), (req, res) => {
    const id = sessionId(req.params);
    res.json(revokeInvites(ctx, callerOf(res), id, parse(RevokeInvitesRequest, req.body).inviteId));
  });

  router.post('/sessions/:id/admit', requireCaller(ctx), (req, res) => {
    const id = sessionId(req.params);
    admitWait(ctx, callerOf(res), id, parse(DecideWaitRequest, req.body).waitId);
    res.json({ ok: true });
  });

  router.post('/sessions/:id/decline', requireCaller(ctx), (req, res) => {
    const id = sessionId(req.params);
    declineWait(ctx, callerOf(res), id, parse(DecideWaitRequest, req.body).waitId);
    res.json({ ok: true });
  });

  router.post('/sessions/:id/active-customer', requireCaller(ctx), (req, res) => {
    const id = sessionId(req.params);
    const { participantId } = parse(SetActiveCustomerRequest, req.body);
    res.json({ ok: true, ...setActiveCustomer(ctx, callerOf(res), id, participantId) });
  });

  router.post('/sessions/:id/control', requireCaller(ctx), (req, res) => {
    const id = sessionId(req.params);
    const { participantId } = parse(PassControlRequest, req.body);
    res.json({ ok: true, ...passControl(ctx, callerOf(res), id, participantId) });
  });

  router.post('/sessions/:id/leave', requireCaller(ctx), (req, res) => {
    leaveSession(ctx, callerOf(res), sessionId(req.params));
    res.json({ ok: true });
  });

  router.post('/sessions/:id/remove', requireCaller(ctx), (req, res) => {
    const id = sessionId(req.params);
    removeParticipant(ctx, callerOf(res), id, parse(RemoveParticipantRequest, req.body).participantId);
    res.json({ ok: true });
  });

  router.post('/sessions/:id/end', requireCaller(ctx), (req, res) => {
    endSession(ctx, callerOf(res), sessionId(req.params));
    res.json({ ok: true });
  });

  // A colleague types the number into "Assist in a session"; spaces are allowed ("123 456 789").
  router.post('/sessions/by-number/:number/assist', requireRep(ctx), (req, res) => {
    assisted(res, assistByNumber(ctx, repOf(res).rep, parse(SessionNumber, req.params.number), clientAddress(req)));
  });

  router.post('/assist', requireRep(ctx), (req, res) => {
    assisted(res, assistByInvite(ctx, repOf(res).rep, parse(AssistRequest, req.body).invite));
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
