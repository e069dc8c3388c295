import { signal, type ReadonlySignal } from '@preact/signals-core';
import * as v from 'valibot';
import { createBrokerClient } from '../broker/client';
import { errorText } from '../broker/error-text';
import { BrokerError, isBrokerError } from '../broker/errors';
import type { ChatStore } from '../chat/types';
import type { PeerTransport } from '../mesh/transport';
import type { SessionMedia } from '../media/devices';
import { OpaqueId, Self, type JoinByNumberRequest, type SessionDetail } from '../protocol';
import { inviteProblem } from './invite-problem';
import type { SessionRuntime } from './runtime';

/**
 * The session itself (runtime, mesh, chat, shares, voice) is fetched apart from the name form, in its own
 * chunk: the page's first bytes stay small, and a Join click (or the page being idle) fetches it with PeerJS.
 */
const loadRuntime = () => import('./runtime');
export const preloadSession = () => void loadRuntime().catch(() => undefined);

export interface JoinModelDeps {
  brokerUrl: string;
  /** The invitation token from the link's fragment; none: the support site's join-by-number form. */
  invite: string | undefined;
  /** Where a customer's place in the session is remembered, so a refresh rejoins as the same participant. */
  storage: Storage;
  chatStore: ChatStore;
  createTransport(self: Self): PeerTransport;
  /** Optional: start loading what createTransport needs, as soon as a session is about to be entered. */
  preloadTransport?(): void;
  /** Screen, microphone and camera as this browser has them. */
  media: SessionMedia;
}

export type JoinPhase =
  | { name: 'ask-number'; error?: string }
  | { name: 'knocking' }
  | { name: 'waiting'; expiresAt: number }
  | { name: 'declined' }
  | { name: 'wait-expired' }
  | { name: 'loading' }
  | { name: 'ask-name'; repName?: string; error?: string }
  | { name: 'joining'; repName?: string }
  | { name: 'in-session'; runtime: SessionRuntime }
  | { name: 'ended' }
  | { name: 'left' }
  /** The controller took them out: they may not come back with this place. */
  | { name: 'removed' }
  /** Offline longer than the broker's grace period: out, but the link may let them in again. */
  | { name: 'timeout' }
  | { name: 'invite-invalid' }
  | { name: 'invite-expired' }
  | { name: 'error'; message: string };

const Saved = v.object({ sessionId: OpaqueId, self: Self });
/** Where a customer who knocked keeps their wait, so a refresh keeps waiting (or enters once admitted). */
const WAIT_KEY = 'rs.wait';
/** How long one status request may be held by the broker. */
const LONG_POLL_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The customer's side of joining: the name form, rejoining after a refresh, and the end states. */
export function createJoinModel(deps: JoinModelDeps) {
  const phase = signal<JoinPhase>({ name: 'loading' });
  /** ORG_NAME: the support organisation, once the broker has said (never, if it has none). */
  const orgName = signal<string | undefined>(undefined);
  const anonymous = createBrokerClient({ baseUrl: deps.brokerUrl });
  const key = `rs.join.${deps.invite}`;
  /** What a Join needs that the name form does not: PeerJS and the session's code. */
  const preload = () => {
    deps.preloadTransport?.();
    preloadSession();
  };

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
    const problem = inviteProblem(error, stage === 'check');
    if (problem) phase.value = { name: problem };
    else if (stage === 'join' && error instanceof BrokerError && error.status < 500 && error.status !== 0) {
      phase.value = { name: 'ask-name', repName, error: errorText(error, { audience: 'customer', action: 'join' }) };
    } else phase.value = { name: 'error', message: errorText(error, { audience: 'customer', action: 'join' }) };
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
    if (!detail.self) {
      // Out of the session: say how, when it was not by their own choice.
      const reason = detail.participants.find((p) => p.id === self.participantId)?.leftReason;
      if (reason !== 'removed' && reason !== 'timeout') return false;
      deps.storage.removeItem(key);
      phase.value = { name: reason };
      return true;
    }
    const { createSessionRuntime } = await loadRuntime();
    const runtime = await createSessionRuntime({
      broker,
      eventsToken: self.peerToken,
      detail: { ...detail, self: detail.self },
      chatStore: deps.chatStore,
      createTransport: deps.createTransport,
      media: deps.media,
    });
    phase.value = { name: 'in-session', runtime };
    return true;
  }

  /** Asks the broker how the knock stands until it is decided; network trouble is waited out. */
  async function awaitAdmission(waitToken: string): Promise<void> {
    let failures = 0;
    while (phase.value.name === 'waiting') {
      let status;
      try {
        status = await anonymous.waitStatus({ waitToken, waitMs: LONG_POLL_MS });
        failures = 0;
      } catch (error) {
        if (error instanceof BrokerError && error.status === 404) {
          deps.storage.removeItem(WAIT_KEY);
          phase.value = { name: 'ask-number', error: errorText(error, { audience: 'customer', action: 'join-by-number' }) };
          return;
        }
        await sleep(Math.min(10_000, 500 * 2 ** failures++));
        continue;
      }
      if (phase.value.name !== 'waiting') return; // cancelled meanwhile
      switch (status.status) {
        case 'waiting':
          phase.value = { name: 'waiting', expiresAt: status.expiresAt };
          continue;
        case 'admitted':
          if (!(await enter(status.sessionId, status.self))) finishWait({ name: 'left' });
          return;
        case 'declined':
          return finishWait({ name: 'declined' });
        case 'expired':
          return finishWait({ name: 'wait-expired' });
        case 'ended':
          return finishWait({ name: 'ended' });
        case 'cancelled':
          return finishWait({ name: 'ask-number' });
      }
    }
  }

  function finishWait(next: JoinPhase): void {
    deps.storage.removeItem(WAIT_KEY);
    phase.value = next;
  }

  function startWaiting(waitToken: string, expiresAt: number): Promise<void> {
    phase.value = { name: 'waiting', expiresAt };
    return awaitAdmission(waitToken);
  }

  return {
    phase: phase as ReadonlySignal<JoinPhase>,
    orgName: orgName as ReadonlySignal<string | undefined>,

    async load(): Promise<void> {
      // Beside the page's own work, never before it: the name is a courtesy, not a step.
      void anonymous.capabilities().then(
        (c) => (orgName.value = c.orgName),
        () => undefined,
      );
      if (!deps.invite) {
        const waitToken = deps.storage.getItem(WAIT_KEY);
        if (!waitToken) phase.value = { name: 'ask-number' };
        else {
          preload();
          await startWaiting(waitToken, 0).catch((error: unknown) => fail(error, 'join'));
        }
        return;
      }
      const place = saved();
      if (place) preload();
      try {
        if (place && (await enter(place.sessionId, place.self))) return;
        deps.storage.removeItem(key);
        // Check the link before asking for a name: a dead link is explained at once.
        const { invite } = await anonymous.checkInvite(deps.invite);
        phase.value = { name: 'ask-name', repName: invite.repName };
      } catch (error) {
        fail(error, 'check');
      }
    },

    async join(name: string): Promise<void> {
      const current = phase.value;
      if (!deps.invite || current.name !== 'ask-name') return;
      phase.value = { name: 'joining', repName: current.repName };
      preload();
      try {
        const joined = await anonymous.join({ invite: deps.invite, name });
        const { sessionId, self } = joined;
        deps.storage.setItem(key, JSON.stringify({ sessionId, self }));
        if (!(await enter(sessionId, self, joined.detail))) phase.value = { name: 'left' };
      } catch (error) {
        fail(error, 'join', current.repName);
      }
    },

    /** The support site's form: knock with the session number, then wait to be let in. */
    async joinByNumber(request: JoinByNumberRequest): Promise<void> {
      if (phase.value.name !== 'ask-number') return;
      phase.value = { name: 'knocking' };
      try {
        const { waitToken, expiresAt } = await anonymous.joinByNumber(request);
        preload(); // fetched while the customer waits, ready when they are let in
        deps.storage.setItem(WAIT_KEY, waitToken);
        await startWaiting(waitToken, expiresAt);
      } catch (error) {
        // Wrong number, too many attempts, an ended session: said in the broker's plain words.
        phase.value = { name: 'ask-number', error: errorText(error, { audience: 'customer', action: 'join-by-number' }) };
      }
    },

    /** Stop waiting (or, after a refusal, knock again). */
    async cancelWait(): Promise<void> {
      const waitToken = deps.storage.getItem(WAIT_KEY);
      finishWait({ name: 'ask-number' });
      if (waitToken) await anonymous.cancelWait(waitToken).catch(() => undefined);
    },

    /** Join again with the same link after being dropped (offline too long): back to the name form. */
    async rejoin(): Promise<void> {
      const current = phase.value;
      if (current.name === 'in-session') current.runtime.dispose();
      deps.storage.removeItem(key);
      phase.value = { name: 'loading' };
      await this.load();
    },

    async leave(): Promise<void> {
      const current = phase.value;
      if (current.name !== 'in-session') return;
      // Forget the place first: the customer may close the tab before the broker answers.
      deps.storage.removeItem(key);
      deps.storage.removeItem(WAIT_KEY);
      await current.runtime.leave().catch(() => undefined);
      phase.value = { name: 'left' };
    },
  };
}

export type JoinModel = ReturnType<typeof createJoinModel>;
