import {
  isRepRole,
  type ControlChange,
  type Knock,
  type Participant,
  type PendingTransfer,
  type RecordingState,
  type TransferRecord,
  type Role,
  type Session,
  type SessionDetail,
  type SessionEvent,
} from '../protocol';

/**
 * A session as the broker's event log says it is: who is in it and with which role, whom the controller
 * helps, who controls and how often that changed, who is knocking. Roles are state here, not a copy made
 * at start: passing control changes them, and everything that asks "may I?" reads them from this.
 */
export interface SessionState {
  session: Session;
  participants: readonly Participant[];
  activeCustomerId: string | null;
  /** How many times control changed hands; events with an older epoch are news we already have. */
  controlEpoch: number;
  controlChanges: readonly ControlChange[];
  /** Customers asking to join by number (reps only: the broker never tells customers). */
  knocks: readonly Knock[];
  /** Customers turned away because the rep was at their limit (reps only). */
  refusals: readonly { name: string; at: number }[];
  manyKnocks: { count: number; at: number } | undefined;
  /** A WebACD transfer under way: nobody controls the session until it ends. */
  transfer: PendingTransfer | null;
  /** Every transfer so far (the timeline tells them). */
  transfers: readonly TransferRecord[];
  /** The controller records the session now (everyone shows it; customers are told first). */
  recording: RecordingState;
}

export function initialSessionState(detail: SessionDetail): SessionState {
  return {
    session: detail.session,
    participants: detail.participants,
    activeCustomerId: detail.activeCustomerId ?? null,
    controlEpoch: detail.controlEpoch ?? 0,
    controlChanges: detail.controlChanges ?? [],
    knocks: detail.knocks ?? [],
    refusals: [],
    manyKnocks: undefined,
    transfer: detail.transfer ?? null,
    transfers: detail.transfers ?? [],
    recording: detail.recording ?? null,
  };
}

const withRole = (participants: readonly Participant[], id: string, role: Role) =>
  participants.map((p) => (p.id === id ? { ...p, role } : p));

/**
 * The next state after one event. Pure: the runtime applies every event through it (live, replayed after
 * a reconnect, or after a reload), so all of them converge on the same roles and controller.
 */
export function reduceSession(state: SessionState, event: SessionEvent): SessionState {
  if (event.sessionId !== state.session.id) return state;
  switch (event.type) {
    case 'participant-joined': {
      const others = state.participants.filter((p) => p.id !== event.participant.id);
      return { ...state, participants: [...others, event.participant] };
    }
    case 'participant-left': {
      const reason = event.reason ?? 'left';
      return {
        ...state,
        participants: state.participants.map((p) =>
          p.id === event.participantId ? { ...p, leftAt: event.at, leftReason: reason } : p,
        ),
      };
    }
    case 'session-ended':
      return {
        ...state,
        session: { ...state.session, status: 'ended', endedAt: state.session.endedAt ?? event.at },
        knocks: [],
        recording: null,
      };
    case 'recording':
      return { ...state, recording: event.recording };
    case 'knock':
      return { ...state, knocks: [...state.knocks.filter((k) => k.waitId !== event.knock.waitId), event.knock] };
    case 'knock-ended':
      return withoutKnock(state, event.waitId);
    case 'many-knocks':
      return { ...state, manyKnocks: { count: event.count, at: event.at } };
    case 'customer-refused':
      return { ...state, refusals: [...state.refusals, { name: event.name, at: event.at }] };
    case 'active-customer':
      return event.participantId === state.activeCustomerId ? state : { ...state, activeCustomerId: event.participantId };
    case 'control-changed': {
      if (event.epoch <= state.controlEpoch) return state;
      const participants = withRole(withRole(state.participants, event.from, 'assistant'), event.to, 'controller');
      const change = { from: event.from, to: event.to, at: event.at, epoch: event.epoch };
      return {
        ...state,
        participants,
        controlEpoch: event.epoch,
        controlChanges: [...state.controlChanges, change],
        recording: null,
      };
    }
    case 'transfer-started': {
      if (state.transfers.some((r) => r.id === event.transferId)) return state;
      const { transferId: id, from, target, at } = event;
      return {
        ...state,
        transfer: { id, target, startedAt: at, position: null, waitingLong: false },
        transfers: [...state.transfers, { id, from, target, startedAt: at, endedAt: null, outcome: null, controllerId: null }],
        knocks: [],
        recording: null,
      };
    }
    case 'transfer-position':
      return state.transfer?.id === event.transferId
        ? { ...state, transfer: { ...state.transfer, position: event.position } }
        : state;
    case 'transfer-waiting-long':
      return state.transfer?.id === event.transferId ? { ...state, transfer: { ...state.transfer, waitingLong: true } } : state;
    case 'transfer-ended': {
      const { transferId, outcome, controllerId, at } = event;
      return {
        ...state,
        transfer: state.transfer?.id === transferId ? null : state.transfer,
        transfers: state.transfers.map((r) => (r.id === transferId ? { ...r, endedAt: at, outcome, controllerId } : r)),
      };
    }
  }
}

export function withoutKnock(state: SessionState, waitId: string): SessionState {
  return { ...state, knocks: state.knocks.filter((k) => k.waitId !== waitId) };
}

export const presentOf = (state: SessionState) => state.participants.filter((p) => p.leftAt === null);
export const controllerOf = (state: SessionState) => presentOf(state).find((p) => p.role === 'controller');
export const roleOf = (state: SessionState, participantId: string): Role | undefined =>
  state.participants.find((p) => p.id === participantId)?.role;

/**
 * What one participant may do now. The broker enforces each of these; the UI offers only what is allowed
 * and changes the moment control changes hands.
 */
export interface Permissions {
  role: Role | undefined;
  isRep: boolean;
  isController: boolean;
  /** Share a screen: the session's reps and the active customer. */
  mayShare: boolean;
  /** End the session, pass control, admit/decline knocks, choose the active customer, remove, invite customers, revoke. */
  mayControl: boolean;
  /** Leave without ending: everyone but the controller (who passes control first, or ends). */
  mayLeave: boolean;
  /** Assistants in the session now, to whom control may pass. */
  passTargets: readonly Participant[];
}

export function permissionsOf(state: SessionState, participantId: string): Permissions {
  const role = roleOf(state, participantId);
  const live = state.session.status === 'live' && presentOf(state).some((p) => p.id === participantId);
  const isController = live && role === 'controller';
  const isRep = isRepRole(role);
  return {
    role,
    isRep,
    isController,
    mayShare: live && mayShareIn(state, participantId),
    mayControl: isController,
    mayLeave: live && !isController,
    passTargets: isController ? presentOf(state).filter((p) => p.role === 'assistant') : [],
  };
}

/** May this participant share a screen now (the broker's rule, also applied by every receiver)? */
export function mayShareIn(state: SessionState, participantId: string): boolean {
  const role = roleOf(state, participantId);
  return role !== undefined && (isRepRole(role) || participantId === state.activeCustomerId);
}
