import * as v from 'valibot';
import {
  fillPath,
  routes,
  type AgentState,
  type CreateInviteRequest,
  type JoinByNumberRequest,
  type JoinRequest,
  type LoginRequest,
  type RatingRequest,
  type SessionSummaryRequest,
  type RevokeInvitesRequest,
  type TransferRequest,
  type RouteBody,
  type RouteName,
  type RouteParams,
  type RouteResponse,
  type WaitStatusRequest,
} from '../protocol';
import { BrokerError } from './errors';

export interface BrokerClientOptions {
  /** e.g. http://127.0.0.1:9000 (no trailing slash needed). */
  baseUrl: string;
  /** The bearer token to send: a rep token or a participant's peerToken. */
  getToken?: () => string | undefined;
  fetch?: typeof fetch;
}

/** What one call needs: the path parameters of its route and its body, typed from the route table. */
type CallInput<N extends RouteName> = { params: RouteParams<N> } & (RouteBody<N> extends undefined
  ? { body?: undefined }
  : { body: RouteBody<N> });

/**
 * Typed access to the broker's REST API, every call built from its entry in `core/protocol/routes.ts`.
 * Every response is validated; failures throw `BrokerError`. Method names are the route names.
 */
export function createBrokerClient(options: BrokerClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<N extends RouteName>(name: N, input: CallInput<N>): Promise<RouteResponse<N>> {
    const def = routes[name];
    const headers: Record<string, string> = {};
    const token = options.getToken?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    // POSTs and PUTs always carry a JSON body (`{}` when the route reads none), as the broker's body parser expects.
    const body = def.method === 'GET' ? undefined : JSON.stringify(input.body ?? {});
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(base + fillPath(def.path, input.params), { method: def.method, headers, body });
    } catch {
      throw new BrokerError(0, 'network', `Cannot reach the broker at ${base}`);
    }
    if (!response.ok) throw await BrokerError.fromResponse(response);
    const parsed = v.safeParse(def.response, await response.json().catch(() => undefined));
    if (!parsed.success) throw new BrokerError(response.status, 'bad_response', 'The broker sent an unexpected answer');
    return parsed.output as RouteResponse<N>;
  }

  const none = { params: {} };
  const inSession = (id: string) => ({ params: { id } });
  const methods = {
    login: (body: LoginRequest) => call('login', { ...none, body }),
    logout: () => call('logout', none),
    me: () => call('me', none),
    createSession: () => call('createSession', none),
    listSessions: () => call('listSessions', none),
    getSession: (sessionId: string) => call('getSession', inSession(sessionId)),
    getIce: (sessionId: string) => call('getIce', inSession(sessionId)),
    createInvite: (sessionId: string, body: CreateInviteRequest) => call('createInvite', { ...inSession(sessionId), body }),
    checkInvite: (invite: string) => call('checkInvite', { ...none, body: { invite } }),
    join: (body: JoinRequest) => call('join', { ...none, body }),
    capabilities: () => call('capabilities', none),
    listInvites: (sessionId: string) => call('listInvites', inSession(sessionId)),
    revokeInvites: (sessionId: string, body: RevokeInvitesRequest = {}) =>
      call('revokeInvites', { ...inSession(sessionId), body }),
    /** A rep follows a colleague's invite and joins as assistant. */
    assist: (invite: string) => call('assist', { ...none, body: { invite } }),
    assistByNumber: (number: string) => call('assistByNumber', { params: { number: number.replace(/\s+/g, '') } }),
    joinByNumber: (body: JoinByNumberRequest) => call('joinByNumber', { ...none, body }),
    waitStatus: (body: WaitStatusRequest) => call('waitStatus', { ...none, body }),
    cancelWait: (waitToken: string) => call('cancelWait', { ...none, body: { waitToken } }),
    admit: (sessionId: string, waitId: string) => call('admit', { ...inSession(sessionId), body: { waitId } }),
    decline: (sessionId: string, waitId: string) => call('decline', { ...inSession(sessionId), body: { waitId } }),
    setActiveCustomer: (sessionId: string, participantId: string) =>
      call('setActiveCustomer', { ...inSession(sessionId), body: { participantId } }),
    /** Controller only: the participant is out at once and their tokens stop working. */
    remove: (sessionId: string, participantId: string) => call('remove', { ...inSession(sessionId), body: { participantId } }),
    /** Controller only: recording starts or stops; every participant is told. */
    setRecording: (sessionId: string, recording: boolean) =>
      call('setRecording', { ...inSession(sessionId), body: { recording } }),
    /** Controller only: an assistant in the session takes control; I become an assistant. */
    passControl: (sessionId: string, participantId: string) =>
      call('passControl', { ...inSession(sessionId), body: { participantId } }),
    /** WebACD agents: hand the session to a queue or to agents; I leave it at once. */
    transfer: (sessionId: string, body: TransferRequest) => call('transfer', { ...inSession(sessionId), body }),
    listTransfers: () => call('listTransfers', none),
    acceptTransfer: (transferId: string) => call('acceptTransfer', inSession(transferId)),
    declineTransfer: (transferId: string) => call('declineTransfer', inSession(transferId)),
    cancelTransfer: (transferId: string) => call('cancelTransfer', inSession(transferId)),
    listQueues: () => call('listQueues', none),
    listAgents: () => call('listAgents', none),
    setAgentState: (state: AgentState) => call('setAgentState', { ...none, body: { state } }),
    leave: (sessionId: string) => call('leave', inSession(sessionId)),
    end: (sessionId: string) => call('end', inSession(sessionId)),
    /** The controller's notes and ticket reference, after the end. */
    saveSummary: (sessionId: string, body: SessionSummaryRequest) => call('saveSummary', { ...inSession(sessionId), body }),
    /** A customer rates the help, after the end. */
    rate: (sessionId: string, body: RatingRequest) => call('rate', { ...inSession(sessionId), body }),
  } satisfies Record<RouteName, (...args: never[]) => Promise<unknown>>;
  return { baseUrl: base, ...methods };
}

export type BrokerClient = ReturnType<typeof createBrokerClient>;
