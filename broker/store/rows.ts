import type { Row } from './sql';
import type { InviteRow, ParticipantRow, RepRow, SessionRow, StoredEvent, WaitRow, WaitStatusValue } from './types';

/** Rows as both dialects return them (PostgreSQL's BIGINT parsed to numbers) into the store's types. */
export const bool = (value: unknown) => value === 1;
export const num = (value: unknown) => value as number;
export const str = (value: unknown) => value as string;
export const nullableNum = (value: unknown) => (value === null ? null : (value as number));
export const nullableStr = (value: unknown) => (value === null ? null : (value as string));

export function toRep(r: Row): RepRow {
  return {
    id: str(r.id),
    email: str(r.email),
    name: str(r.name),
    passwordHash: str(r.password_hash),
    isAdmin: bool(r.is_admin),
    isAgent: bool(r.is_agent),
    maxCustomers: num(r.max_customers),
    mode: str(r.mode) as RepRow['mode'],
    maxSessions: nullableNum(r.max_sessions),
    createdAt: num(r.created_at),
    disabledAt: nullableNum(r.disabled_at),
  };
}

export function toEvent(r: Row): StoredEvent {
  return {
    sessionId: str(r.session_id),
    seq: num(r.seq),
    type: str(r.type),
    payload: JSON.parse(str(r.payload)) as Record<string, unknown>,
    at: num(r.at),
  };
}

export function toSession(r: Row): SessionRow {
  return {
    id: str(r.id),
    number: str(r.number),
    controllerRepId: str(r.controller_rep_id),
    status: str(r.status) as SessionRow['status'],
    createdAt: num(r.created_at),
    endedAt: nullableNum(r.ended_at),
    linkInviteId: nullableStr(r.link_invite_id),
    activeCustomerId: nullableStr(r.active_customer_id),
    controlEpoch: num(r.control_epoch),
  };
}

export function toParticipant(r: Row): ParticipantRow {
  return {
    id: str(r.id),
    sessionId: str(r.session_id),
    role: str(r.role) as ParticipantRow['role'],
    name: str(r.name),
    repId: nullableStr(r.rep_id),
    peerId: str(r.peer_id),
    tokenHash: str(r.token_hash),
    joinedAt: num(r.joined_at),
    leftAt: nullableNum(r.left_at),
    leftReason: nullableStr(r.left_reason) as ParticipantRow['leftReason'],
  };
}

export function toInvite(r: Row): InviteRow {
  return {
    id: str(r.id),
    sessionId: str(r.session_id),
    role: str(r.role) as InviteRow['role'],
    tokenHash: str(r.token_hash),
    createdByRepId: str(r.created_by_rep_id),
    channel: str(r.channel) as InviteRow['channel'],
    email: nullableStr(r.email),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    revokedAt: nullableNum(r.revoked_at),
  };
}

export function toWait(r: Row): WaitRow {
  return {
    id: str(r.id),
    sessionId: str(r.session_id),
    name: str(r.name),
    tokenHash: str(r.token_hash),
    clientAddress: nullableStr(r.client_address),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    status: str(r.status) as WaitStatusValue,
    decidedAt: nullableNum(r.decided_at),
    participantId: nullableStr(r.participant_id),
  };
}
