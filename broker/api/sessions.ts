import type { BrokerContext } from '../context';
import { createSession, endSession, leaveSession, listSessions, sessionDetail } from '../sessions/lifecycle';
import { checkInvite, createInvite, joinByInvite, listInvites, revokeInvites } from '../sessions/invites';
import { assistByInvite, assistByNumber, type AssistResult } from '../sessions/assist';
import { admitWait, declineWait } from '../sessions/waits';
import { setActiveCustomer } from '../sessions/activeCustomer';
import { clientAddress } from '../http/clientAddress';
import { removeParticipant } from '../sessions/remove';
import { passControl } from '../sessions/control';
import { setRecording } from '../sessions/recording';
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
  | 'setRecording'
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
    createSession: async ({ caller }) => await createSession(ctx, caller.rep),
    listSessions: async ({ caller }) => ({ sessions: await listSessions(ctx, caller.rep) }),
    getSession: async ({ caller, params }) => await sessionDetail(ctx, caller, params.id),
    // Only someone still in the live session gets (renewed) TURN credentials.
    getIce: async ({ caller, params }) =>
      iceConfigFor(ctx.ice, (await activeStanding(ctx, caller, params.id)).current.id, ctx.now()),
    listInvites: async ({ caller, params }) => ({ invites: await listInvites(ctx, caller, params.id) }),
    createInvite: async ({ caller, params, body }) => await createInvite(ctx, caller, params.id, body),
    revokeInvites: async ({ caller, params, body }) => await revokeInvites(ctx, caller, params.id, body.inviteId),
    admit: async ({ caller, params, body }) => (await admitWait(ctx, caller, params.id, body.waitId), ok),
    decline: async ({ caller, params, body }) => (await declineWait(ctx, caller, params.id, body.waitId), ok),
    setActiveCustomer: async ({ caller, params, body }) => ({
      ...ok,
      ...(await setActiveCustomer(ctx, caller, params.id, body.participantId)),
    }),
    passControl: async ({ caller, params, body }) => ({
      ...ok,
      ...(await passControl(ctx, caller, params.id, body.participantId)),
    }),
    setRecording: async ({ caller, params, body }) => ({
      ...ok,
      ...(await setRecording(ctx, caller, params.id, body.recording)),
    }),
    leave: async ({ caller, params }) => (await leaveSession(ctx, caller, params.id), ok),
    remove: async ({ caller, params, body }) => (await removeParticipant(ctx, caller, params.id, body.participantId), ok),
    end: async ({ caller, params }) => (await endSession(ctx, caller, params.id), ok),
    // A colleague types the number into "Assist in a session"; spaces are allowed ("123 456 789").
    assistByNumber: async ({ caller, params, req, res }) =>
      assisted(res, await assistByNumber(ctx, caller.rep, params.number, clientAddress(req))),
    assist: async ({ caller, body, res }) => assisted(res, await assistByInvite(ctx, caller.rep, body.invite)),
    // No account needed: the invite token is the credential. POST keeps the token out of URLs and logs.
    checkInvite: async ({ body }) => await checkInvite(ctx, body.invite),
    join: async ({ body }) => await joinByInvite(ctx, body.invite, body.name),
    saveSummary: async ({ caller, params, body }) => (await saveSummary(ctx, caller, params.id, body), ok),
    rate: async ({ caller, params, body }) => (await rateSession(ctx, caller, params.id, body), ok),
  };
}
