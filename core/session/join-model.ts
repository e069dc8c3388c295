import { signal, type ReadonlySignal } from '@preact/signals-core';
import * as v from 'valibot';
import { createBrokerClient } from '../broker/client';
import { BrokerError, isBrokerError } from '../broker/errors';
import type { ChatStore } from '../chat/types';
import type { PeerTransport } from '../mesh/transport';
import { OpaqueId, Self, type SessionDetail } from '../protocol';
import { createSessionRuntime, type SessionRuntime } from './runtime';

export interface JoinModelDeps {
  brokerUrl: string;
  /** The invitation token from the link's fragment, if any. */
  invite: string | undefined;
  /** Where a customer's place in the session is remembered, so a refresh rejoins as the same participant. */
  storage: Storage;
  chatStore: ChatStore;
  createTransport(self: Self): PeerTransport;
  /** Optional: start loading what createTransport needs, as soon as a session is about to be entered. */
  preloadTransport?(): void;
  getDisplayMedia(): Promise<MediaStream>;
}

export type JoinPhase =
  | { name: 'no-invite' }
  | { name: 'loading' }
  | { name: 'ask-name'; repName?: string; error?: string }
  | { name: 'joining'; repName?: string }
  | { name: 'in-session'; runtime: SessionRuntime }
  | { name: 'ended' }
  | { name: 'left' }
  | { name: 'invite-invalid' }
  | { name: 'invite-expired' }
  | { name: 'error'; message: string };

const Saved = v.object({ sessionId: OpaqueId, self: Self });

/** The customer's side of joining: the name form, rejoining after a refresh, and the end states. */
export function createJoinModel(deps: JoinModelDeps) {
  const phase = signal<JoinPhase>(deps.invite ? { name: 'loading' } : { name: 'no-invite' });
  const key = `rs.join.${deps.invite}`;

  function saved(): v.InferOutput<typeof Saved> | undefined {
    try {
      const parsed = v.safeParse(Saved, JSON.parse(deps.storage.getItem(key) ?? 'null'));
      return parsed.success ? parsed.output : undefined;
    } catch {
      return undefined;
    }
  }

  /** Shows what went wrong in words the customer can act on. `repName` keeps the greeting on a retry. */
  function fail(error: unknown, stage: 'check' | 'join', repName?: string): void {
    if (isBrokerError(error, 'invite_not_found') || (stage === 'check' && isBrokerError(error, 'bad_request'))) {
      phase.value = { name: 'invite-invalid' };
    } else if (isBrokerError(error, 'invite_expired')) phase.value = { name: 'invite-expired' };
    else if (isBrokerError(error, 'session_ended')) phase.value = { name: 'ended' };
    else if (stage === 'join' && error instanceof BrokerError && error.status < 500 && error.status !== 0) {
      phase.value = { name: 'ask-name', repName, error: error.message };
    } else phase.value = { name: 'error', message: error instanceof Error ? error.message : String(error) };
  }

  /**
   * Enter the session as `self`; false when that place is gone (left, or token revoked). `known` is the
   * session as the join answer gave it; without it (a rejoin after a refresh) the broker is asked.
   */
  async function enter(sessionId: string, self: Self, known?: SessionDetail): Promise<boolean> {
    const broker = createBrokerClient({ baseUrl: deps.brokerUrl, getToken: () => self.peerToken });
    let detail = known;
    try {
      detail ??= await broker.getSession(sessionId);
    } catch (error) {
      if (isBrokerError(error, 'unauthorized') || isBrokerError(error, 'not_found')) return false;
      throw error;
    }
    if (detail.session.status === 'ended') {
      phase.value = { name: 'ended' };
      return true;
    }
    if (!detail.self) return false;
    const runtime = await createSessionRuntime({
      broker,
      eventsToken: self.peerToken,
      detail: { ...detail, self: detail.self },
      chatStore: deps.chatStore,
      createTransport: deps.createTransport,
      getDisplayMedia: deps.getDisplayMedia,
    });
    phase.value = { name: 'in-session', runtime };
    return true;
  }

  return {
    phase: phase as ReadonlySignal<JoinPhase>,

    async load(): Promise<void> {
      if (!deps.invite) return;
      const place = saved();
      if (place) deps.preloadTransport?.();
      try {
        if (place && (await enter(place.sessionId, place.self))) return;
        deps.storage.removeItem(key);
        // Check the link before asking for a name: a dead link is explained at once.
        const { invite } = await createBrokerClient({ baseUrl: deps.brokerUrl }).checkInvite(deps.invite);
        phase.value = { name: 'ask-name', repName: invite.repName };
      } catch (error) {
        fail(error, 'check');
      }
    },

    async join(name: string): Promise<void> {
      const current = phase.value;
      if (!deps.invite || current.name !== 'ask-name') return;
      phase.value = { name: 'joining', repName: current.repName };
      deps.preloadTransport?.();
      try {
        const joined = await createBrokerClient({ baseUrl: deps.brokerUrl }).join({ invite: deps.invite, name });
        const { sessionId, self } = joined;
        deps.storage.setItem(key, JSON.stringify({ sessionId, self }));
        if (!(await enter(sessionId, self, joined.detail))) phase.value = { name: 'left' };
      } catch (error) {
        fail(error, 'join', current.repName);
      }
    },

    async leave(): Promise<void> {
      const current = phase.value;
      if (current.name !== 'in-session') return;
      await current.runtime.leave().catch(() => undefined);
      deps.storage.removeItem(key);
      phase.value = { name: 'left' };
    },
  };
}

export type JoinModel = ReturnType<typeof createJoinModel>;
