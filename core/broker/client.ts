import * as v from 'valibot';
import {
  Capabilities,
  CheckInviteResponse,
  CreateInviteResponse,
  CreateSessionResponse,
  InviteList,
  JoinByNumberResponse,
  JoinResponse,
  LoginResponse,
  MeResponse,
  PassControlResponse,
  SessionDetail,
  Session,
  SessionList,
  WaitStatus,
  type CreateInviteRequest,
  type JoinByNumberRequest,
  type RevokeInvitesRequest,
  type WaitStatusRequest,
  type JoinRequest,
  type LoginRequest,
} from '../protocol';
import { BrokerError } from './errors';

export interface BrokerClientOptions {
  /** e.g. http://127.0.0.1:9000 (no trailing slash needed). */
  baseUrl: string;
  /** The bearer token to send: a rep token or a participant's peerToken. */
  getToken?: () => string | undefined;
  fetch?: typeof fetch;
}

const Ok = v.object({ ok: v.literal(true) });
const RevokeResponse = v.object({ revoked: v.number(), session: Session });

/** Typed access to the broker's REST API. Every response is validated; failures throw `BrokerError`. */
export function createBrokerClient(options: BrokerClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<S extends v.GenericSchema>(
    schema: S,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<v.InferOutput<S>> {
    const headers: Record<string, string> = {};
    const token = options.getToken?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new BrokerError(0, 'network', `Cannot reach the broker at ${base}`);
    }
    if (!response.ok) throw await BrokerError.fromResponse(response);
    const parsed = v.safeParse(schema, await response.json().catch(() => undefined));
    if (!parsed.success) throw new BrokerError(response.status, 'bad_response', 'The broker sent an unexpected answer');
    return parsed.output;
  }

  const id = encodeURIComponent;
  return {
    baseUrl: base,
    login: (body: LoginRequest) => call(LoginResponse, 'POST', '/api/login', body),
    logout: () => call(Ok, 'POST', '/api/logout', {}),
    me: () => call(MeResponse, 'GET', '/api/me'),
    createSession: () => call(CreateSessionResponse, 'POST', '/api/sessions', {}),
    listSessions: () => call(SessionList, 'GET', '/api/sessions'),
    getSession: (sessionId: string) => call(SessionDetail, 'GET', `/api/sessions/${id(sessionId)}`),
    createInvite: (sessionId: string, body: CreateInviteRequest) =>
      call(CreateInviteResponse, 'POST', `/api/sessions/${id(sessionId)}/invites`, body),
    checkInvite: (invite: string) => call(CheckInviteResponse, 'POST', '/api/invites/check', { invite }),
    join: (body: JoinRequest) => call(JoinResponse, 'POST', '/api/join', body),
    capabilities: () => call(Capabilities, 'GET', '/api/capabilities'),
    listInvites: (sessionId: string) => call(InviteList, 'GET', `/api/sessions/${id(sessionId)}/invites`),
    revokeInvites: (sessionId: string, body: RevokeInvitesRequest = {}) =>
      call(RevokeResponse, 'POST', `/api/sessions/${id(sessionId)}/invites/revoke`, body),
    /** A rep follows a colleague's invite and joins as assistant. */
    assist: (invite: string) => call(JoinResponse, 'POST', '/api/assist', { invite }),
    assistByNumber: (number: string) =>
      call(JoinResponse, 'POST', `/api/sessions/by-number/${id(number.replace(/\s+/g, ''))}/assist`, {}),
    joinByNumber: (body: JoinByNumberRequest) => call(JoinByNumberResponse, 'POST', '/api/join-by-number', body),
    waitStatus: (body: WaitStatusRequest) => call(WaitStatus, 'POST', '/api/join-by-number/status', body),
    cancelWait: (waitToken: string) => call(Ok, 'POST', '/api/join-by-number/cancel', { waitToken }),
    admit: (sessionId: string, waitId: string) => call(Ok, 'POST', `/api/sessions/${id(sessionId)}/admit`, { waitId }),
    decline: (sessionId: string, waitId: string) => call(Ok, 'POST', `/api/sessions/${id(sessionId)}/decline`, { waitId }),
    setActiveCustomer: (sessionId: string, participantId: string) =>
      call(Ok, 'POST', `/api/sessions/${id(sessionId)}/active-customer`, { participantId }),
    /** Controller only: the participant is out at once and their tokens stop working. */
    remove: (sessionId: string, participantId: string) =>
      call(Ok, 'POST', `/api/sessions/${id(sessionId)}/remove`, { participantId }),
    /** Controller only: an assistant in the session takes control; I become an assistant. */
    passControl: (sessionId: string, participantId: string) =>
      call(PassControlResponse, 'POST', `/api/sessions/${id(sessionId)}/control`, { participantId }),
    leave: (sessionId: string) => call(Ok, 'POST', `/api/sessions/${id(sessionId)}/leave`, {}),
    end: (sessionId: string) => call(Ok, 'POST', `/api/sessions/${id(sessionId)}/end`, {}),
  };
}

export type BrokerClient = ReturnType<typeof createBrokerClient>;
