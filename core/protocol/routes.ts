import * as v from 'valibot';
import {
  AssistRequest,
  CancelWaitRequest,
  Capabilities,
  CheckInviteRequest,
  CheckInviteResponse,
  CreateInviteRequest,
  CreateInviteResponse,
  CreateSessionResponse,
  DecideWaitRequest,
  ErrorCode,
  IceConfig,
  InviteList,
  JoinByNumberRequest,
  JoinByNumberResponse,
  JoinRequest,
  JoinResponse,
  LoginRequest,
  LoginResponse,
  MeResponse,
  Ok,
  PassControlRequest,
  PassControlResponse,
  RatingRequest,
  RemoveParticipantRequest,
  SessionSummaryRequest,
  RevokeInvitesRequest,
  RevokeInvitesResponse,
  SessionDetail,
  SessionList,
  SetActiveCustomerRequest,
  SetActiveCustomerResponse,
  SetRecordingRequest,
  SetRecordingResponse,
  WaitStatus,
  WaitStatusRequest,
  type BrokerErrorCode,
} from './api';
import { OpaqueId, SessionNumber } from './ids';
import {
  AgentList,
  AgentStateResponse,
  CreateTransferResponse,
  QueueList,
  SetAgentStateRequest,
  TransferList,
  TransferRequest,
} from './acd';

/**
 * The REST API written once: the broker registers its Express routes from this table (validating params
 * and bodies with these schemas) and the client builds every call from it (validating the answer).
 * Adding a route here without a broker handler or a client method fails to compile.
 */

/** Who may call: nobody in particular, a signed-in rep (rep token), or any bearer (rep or customer). */
export type AuthKind = 'none' | 'rep' | 'caller';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT';
  /** Express-style pattern, `:name` for a path parameter. */
  path: string;
  auth: AuthKind;
  /** Validates `:name` parameters (each a bounded string schema). */
  params?: v.ObjectSchema<v.ObjectEntries, undefined>;
  /** The JSON body; absent: the broker reads none (the client still sends `{}` on POST). */
  body?: v.GenericSchema;
  response: v.GenericSchema;
  /** Success status; routes that may answer either (create or rejoin) set it per call. */
  status: 200 | 201;
  /** Codes this route may answer besides those of its auth kind (see `errorsOf`). */
  errors: readonly BrokerErrorCode[];
}

const route = <const D extends RouteDef>(d: D): D => d;

const SessionParams = v.object({ id: OpaqueId });
const NumberParams = v.object({ number: SessionNumber });
const TransferParams = v.object({ id: OpaqueId });

/** A caller acting in a session: it may not exist, the caller may not be in it, it may have ended. */
const inSession = [ErrorCode.forbidden, ErrorCode.notFound, ErrorCode.sessionEnded] as const;

export const routes = {
  capabilities: route({
    method: 'GET',
    path: '/api/capabilities',
    auth: 'none',
    response: Capabilities,
    status: 200,
    errors: [],
  }),
  login: route({
    method: 'POST',
    path: '/api/login',
    auth: 'none',
    body: LoginRequest,
    response: LoginResponse,
    status: 200,
    errors: [ErrorCode.unauthorized, ErrorCode.rateLimited],
  }),
  logout: route({ method: 'POST', path: '/api/logout', auth: 'rep', response: Ok, status: 200, errors: [] }),
  me: route({ method: 'GET', path: '/api/me', auth: 'rep', response: MeResponse, status: 200, errors: [] }),
  createSession: route({
    method: 'POST',
    path: '/api/sessions',
    auth: 'rep',
    response: CreateSessionResponse,
    status: 201,
    errors: [ErrorCode.singleSession],
  }),
  listSessions: route({ method: 'GET', path: '/api/sessions', auth: 'rep', response: SessionList, status: 200, errors: [] }),
  getSession: route({
    method: 'GET',
    path: '/api/sessions/:id',
    auth: 'caller',
    params: SessionParams,
    response: SessionDetail,
    status: 200,
    errors: inSession,
  }),
  /** Fresh STUN/TURN settings for someone still in the live session (TURN credentials expire). */
  getIce: route({
    method: 'GET',
    path: '/api/sessions/:id/ice',
    auth: 'caller',
    params: SessionParams,
    response: IceConfig,
    status: 200,
    errors: inSession,
  }),
  listInvites: route({
    method: 'GET',
    path: '/api/sessions/:id/invites',
    auth: 'caller',
    params: SessionParams,
    response: InviteList,
    status: 200,
    errors: inSession,
  }),
  createInvite: route({
    method: 'POST',
    path: '/api/sessions/:id/invites',
    auth: 'caller',
    params: SessionParams,
    body: CreateInviteRequest,
    response: CreateInviteResponse,
    status: 201,
    errors: [...inSession, ErrorCode.unsupported, ErrorCode.rateLimited, ErrorCode.mailFailed],
  }),
  revokeInvites: route({
    method: 'POST',
    path: '/api/sessions/:id/invites/revoke',
    auth: 'caller',
    params: SessionParams,
    body: RevokeInvitesRequest,
    response: RevokeInvitesResponse,
    status: 200,
    errors: inSession,
  }),
  admit: route({
    method: 'POST',
    path: '/api/sessions/:id/admit',
    auth: 'caller',
    params: SessionParams,
    body: DecideWaitRequest,
    response: Ok,
    status: 200,
    errors: [...inSession, ErrorCode.conflict, ErrorCode.waitExpired, ErrorCode.sessionFull],
  }),
  decline: route({
    method: 'POST',
    path: '/api/sessions/:id/decline',
    auth: 'caller',
    params: SessionParams,
    body: DecideWaitRequest,
    response: Ok,
    status: 200,
    errors: [...inSession, ErrorCode.conflict, ErrorCode.waitExpired],
  }),
  setActiveCustomer: route({
    method: 'POST',
    path: '/api/sessions/:id/active-customer',
    auth: 'caller',
    params: SessionParams,
    body: SetActiveCustomerRequest,
    response: SetActiveCustomerResponse,
    status: 200,
    errors: inSession,
  }),
  /** Controller only: recording starts or stops; everyone is told (`recording` event). */
  setRecording: route({
    method: 'POST',
    path: '/api/sessions/:id/recording',
    auth: 'caller',
    params: SessionParams,
    body: SetRecordingRequest,
    response: SetRecordingResponse,
    status: 200,
    errors: inSession,
  }),
  passControl: route({
    method: 'POST',
    path: '/api/sessions/:id/control',
    auth: 'caller',
    params: SessionParams,
    body: PassControlRequest,
    response: PassControlResponse,
    status: 200,
    errors: [...inSession, ErrorCode.conflict],
  }),
  /** WebACD agents only: hand the session to a queue or to agents; the caller leaves it at once. */
  transfer: route({
    method: 'POST',
    path: '/api/sessions/:id/transfer',
    auth: 'rep',
    params: SessionParams,
    body: TransferRequest,
    response: CreateTransferResponse,
    status: 201,
    errors: [...inSession, ErrorCode.conflict],
  }),
  /** Offers open to the caller, and the transfers they started that nobody has accepted yet. */
  listTransfers: route({ method: 'GET', path: '/api/transfers', auth: 'rep', response: TransferList, status: 200, errors: [] }),
  /** Takes an offered session: the caller becomes its controller. Of two accepts at once, one wins (409 for the other). */
  acceptTransfer: route({
    method: 'POST',
    path: '/api/transfers/:id/accept',
    auth: 'rep',
    params: TransferParams,
    response: JoinResponse,
    status: 201,
    errors: [ErrorCode.notFound, ErrorCode.conflict, ErrorCode.singleSession, ErrorCode.sessionEnded],
  }),
  declineTransfer: route({
    method: 'POST',
    path: '/api/transfers/:id/decline',
    auth: 'rep',
    params: TransferParams,
    response: Ok,
    status: 200,
    errors: [ErrorCode.notFound, ErrorCode.conflict],
  }),
  /** The transferring rep calls it back while nobody has accepted: they control the session again. */
  cancelTransfer: route({
    method: 'POST',
    path: '/api/transfers/:id/cancel',
    auth: 'rep',
    params: TransferParams,
    response: JoinResponse,
    status: 200,
    errors: [ErrorCode.notFound, ErrorCode.conflict, ErrorCode.sessionEnded],
  }),
  listQueues: route({
    method: 'GET',
    path: '/api/queues',
    auth: 'rep',
    response: QueueList,
    status: 200,
    errors: [ErrorCode.forbidden],
  }),
  listAgents: route({
    method: 'GET',
    path: '/api/agents',
    auth: 'rep',
    response: AgentList,
    status: 200,
    errors: [ErrorCode.forbidden],
  }),
  setAgentState: route({
    method: 'PUT',
    path: '/api/agents/me/state',
    auth: 'rep',
    body: SetAgentStateRequest,
    response: AgentStateResponse,
    status: 200,
    errors: [ErrorCode.forbidden],
  }),
  leave: route({
    method: 'POST',
    path: '/api/sessions/:id/leave',
    auth: 'caller',
    params: SessionParams,
    response: Ok,
    status: 200,
    errors: [...inSession, ErrorCode.conflict],
  }),
  remove: route({
    method: 'POST',
    path: '/api/sessions/:id/remove',
    auth: 'caller',
    params: SessionParams,
    body: RemoveParticipantRequest,
    response: Ok,
    status: 200,
    errors: inSession,
  }),
  end: route({
    method: 'POST',
    path: '/api/sessions/:id/end',
    auth: 'caller',
    params: SessionParams,
    response: Ok,
    status: 200,
    errors: inSession,
  }),
  /** After the end: the controller's notes and ticket reference (issue 17). */
  saveSummary: route({
    method: 'POST',
    path: '/api/sessions/:id/summary',
    auth: 'rep',
    params: SessionParams,
    body: SessionSummaryRequest,
    response: Ok,
    status: 200,
    errors: [ErrorCode.forbidden, ErrorCode.notFound, ErrorCode.conflict],
  }),
  /** After the end: a customer's rating of the help. */
  rate: route({
    method: 'POST',
    path: '/api/sessions/:id/rating',
    auth: 'caller',
    params: SessionParams,
    body: RatingRequest,
    response: Ok,
    status: 200,
    errors: [ErrorCode.forbidden, ErrorCode.notFound, ErrorCode.conflict],
  }),
  assistByNumber: route({
    method: 'POST',
    path: '/api/sessions/by-number/:number/assist',
    auth: 'rep',
    params: NumberParams,
    response: JoinResponse,
    status: 201,
    errors: [ErrorCode.notFound, ErrorCode.sessionEnded, ErrorCode.unsupported, ErrorCode.rateLimited],
  }),
  assist: route({
    method: 'POST',
    path: '/api/assist',
    auth: 'rep',
    body: AssistRequest,
    response: JoinResponse,
    status: 201,
    errors: [ErrorCode.inviteNotFound, ErrorCode.inviteExpired, ErrorCode.sessionEnded, ErrorCode.unsupported],
  }),
  checkInvite: route({
    method: 'POST',
    path: '/api/invites/check',
    auth: 'none',
    body: CheckInviteRequest,
    response: CheckInviteResponse,
    status: 200,
    errors: [ErrorCode.inviteNotFound, ErrorCode.inviteExpired, ErrorCode.sessionEnded],
  }),
  join: route({
    method: 'POST',
    path: '/api/join',
    auth: 'none',
    body: JoinRequest,
    response: JoinResponse,
    status: 201,
    errors: [
      ErrorCode.inviteNotFound,
      ErrorCode.inviteExpired,
      ErrorCode.sessionEnded,
      ErrorCode.sessionFull,
      ErrorCode.unsupported,
    ],
  }),
  joinByNumber: route({
    method: 'POST',
    path: '/api/join-by-number',
    auth: 'none',
    body: JoinByNumberRequest,
    response: JoinByNumberResponse,
    status: 201,
    errors: [ErrorCode.notFound, ErrorCode.rateLimited],
  }),
  waitStatus: route({
    method: 'POST',
    path: '/api/join-by-number/status',
    auth: 'none',
    body: WaitStatusRequest,
    response: WaitStatus,
    status: 200,
    errors: [ErrorCode.notFound],
  }),
  cancelWait: route({
    method: 'POST',
    path: '/api/join-by-number/cancel',
    auth: 'none',
    body: CancelWaitRequest,
    response: Ok,
    status: 200,
    errors: [ErrorCode.notFound],
  }),
} as const;

/** The live events WebSocket (not a REST route: the broker upgrades it before Express sees it). */
export const EVENTS_PATH = '/api/events';

export type Routes = typeof routes;
export type RouteName = keyof Routes;

/** `{id: string}` for '/api/sessions/:id/admit'. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;

export type RouteParams<N extends RouteName> = PathParams<Routes[N]['path']>;
export type RouteBody<N extends RouteName> = Routes[N] extends { body: infer B extends v.GenericSchema }
  ? v.InferInput<B>
  : undefined;
export type RouteResponse<N extends RouteName> = v.InferOutput<Routes[N]['response']>;

/** Every code a route may answer: its own, bad input, and those of its auth kind. */
export function errorsOf(def: RouteDef): BrokerErrorCode[] {
  const auth: BrokerErrorCode[] = def.auth === 'none' ? [] : [ErrorCode.unauthorized];
  return [...new Set([ErrorCode.badRequest, ErrorCode.tooLarge, ...auth, ...def.errors])];
}

/** The path with each `:name` filled in, URL-encoded. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name} for ${path}`);
    return encodeURIComponent(value);
  });
}
