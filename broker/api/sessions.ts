import type { BrokerContext } from '../context';
import { createSession, endSession, leaveSession, listSessions, sessionDetail } from '../sessions/lifecycle';
import { checkInvite, createInvite, joinByInvite, listInvites, revokeInvites } from '../sessions/invites';
import { assistByInvite, assistByNumber, type AssistResult } from '../sessions/assist';
import { admitWait, declineWait } from '../sessions/waits';
import { setActiveCustomer } from '../sessions/activeCustomer';
import { clientAddress } from '../http/clientAddress';
import { removeParticipant } from '../sessions/remove';
import { passControl } from '../sessions/control';
import { activeStanding } from '../sessions/access';
import { iceConfigFor } from '../ice/iceConfig';
import { rateSession, saveSummary } from '../sessions/aftercare';
import type { Handlers } from './routeTable';

type SessionRoute =
  | 'createSession'
  | 'listSessions'
  | 'getSession'
  | 'getIce'
  | 'listInvites'
  | 'createInvite'
  | 'revokeInvites'
  | 'admit'
  | 'decline'
  | 'setActiveCustomer'
  | 'passControl'
  | 'leave'
  | 'remove'
  | 'end'
  | 'assistByNumber'
  | 'assist'
  | 'checkInvite'
  | 'join'
  | 'saveSummary'
  | 'rate';

const ok = { ok: true } as const;

/** Session routes: thin — the table validated the input; call the session rules, answer. */
export function sessionHandlers(ctx: BrokerContext): Handlers<SessionRoute> {
  // Joining as assistant again (a reload) answers 200, a first join 201.
  const assisted = (res: import('express').Response, result: AssistResult) => (
    res.status(result.created ? 201 : 200),
    result.body
  );
  return {
    createSession: ({ caller }) => createSession(ctx, caller.rep),
    listSessions: ({ caller }) => ({ sessions: listSessions(ctx, caller.rep) }),
    getSession: ({ caller, params }) => sessionDetail(ctx, caller, params.id),
    // Only someone still in the live session gets (renewed) TURN credentials.
    getIce: ({ caller, params }) => iceConfigFor(ctx.ice, activeStanding(ctx, caller, params.id).current.id, ctx.now()),
    listInvites: ({ caller, params }) => ({ invites: listInvites(ctx, caller, params.id) }),
    createInvite: ({ caller, params, body }) => createInvite(ctx, caller, params.id, body),
    revokeInvites: ({ caller, params, body }) => revokeInvites(ctx, caller, params.id, body.inviteId),
    admit: ({ caller, params, body }) => (admitWait(ctx, caller, params.id, body.waitId), ok),
    decline: ({ caller, params, body }) => (declineWait(ctx, caller, params.id, body.waitId), ok),
    setActiveCustomer: ({ caller, params, body }) => ({
      ...ok,
      ...setActiveCustomer(ctx, caller, params.id, body.participantId),
    }),
    passControl: ({ caller, params, body }) => ({ ...ok, ...passControl(ctx, caller, params.id, body.participantId) }),
    leave: ({ caller, params }) => (leaveSession(ctx, caller, params.id), ok),
    remove: ({ caller, params, body }) => (removeParticipant(ctx, caller, params.id, body.participantId), ok),
    end: ({ caller, params }) => (endSession(ctx, caller, params.id), ok),
    // A colleague types the number into "Assist in a session"; spaces are allowed ("123 456 789").
    assistByNumber: async ({ caller, params, req, res }) =>
      assisted(res, await assistByNumber(ctx, caller.rep, params.number, clientAddress(req))),
    assist: ({ caller, body, res }) => assisted(res, assistByInvite(ctx, caller.rep, body.invite)),
    // No account needed: the invite token is the credential. POST keeps the token out of URLs and logs.
    checkInvite: ({ body }) => checkInvite(ctx, body.invite),
    join: ({ body }) => joinByInvite(ctx, body.invite, body.name),
    saveSummary: ({ caller, params, body }) => (saveSummary(ctx, caller, params.id, body), ok),
    rate: ({ caller, params, body }) => (rateSession(ctx, caller, params.id, body), ok),
  };
}
