import { signal, type ReadonlySignal } from '@preact/signals-core';
import type { BrokerClient } from '../broker/client';
import { openEventStream } from '../broker/events';
import type {
  Agent,
  AgentState,
  AgentStatus,
  OfferClosedReason,
  Queue,
  SentTransfer,
  TransferOffer,
  TransferRequest,
} from '../protocol';

/** An offer that went away while the card was shown ("Session 123 456 789 was taken by Bob"). */
export interface ClosedOffer {
  transferId: string;
  sessionNumber: string;
  reason: OfferClosedReason;
  by: string | null;
  at: number;
}

export interface AcdModelDeps {
  broker: BrokerClient;
  brokerUrl: string;
  token: string;
  /** The broker stopped taking the token (signed out elsewhere, expired). */
  onSignedOut(): void;
  WebSocket?: typeof WebSocket;
  now?: () => number;
}

/** How many closed-offer notices the panel keeps (the newest). */
const NOTICES_KEPT = 5;

/**
 * A WebACD agent's standing as the broker pushes it on a rep-scoped events socket (which also makes
 * the agent count as online): their status, the sessions offered to them, the transfers they started
 * that nobody took yet, and notices of offers that went away. Actions call the broker; the socket
 * brings the outcome (the broker is the one source of truth, also for other panels of the same rep).
 */
export function createAcdModel(deps: AcdModelDeps) {
  const now = deps.now ?? Date.now;
  const status = signal<AgentStatus | null>(null);
  const offers = signal<readonly TransferOffer[]>([]);
  const sent = signal<readonly SentTransfer[]>([]);
  const closedOffers = signal<readonly ClosedOffer[]>([]);
  const connected = signal(false);

  const stream = openEventStream({
    baseUrl: deps.brokerUrl,
    token: deps.token,
    since: {},
    scope: 'rep',
    onEvent: () => undefined,
    onStatus: (live) => (connected.value = live),
    onUnauthorized: () => deps.onSignedOut(),
    onRepMessage: (message) => {
      if (message.type === 'acd') {
        status.value = message.status;
        offers.value = message.offers;
        sent.value = message.sent;
        return;
      }
      const { transferId, sessionNumber, reason, by } = message;
      // Our own decline needs no notice: the card going away says it.
      if (reason === 'declined') return;
      closedOffers.value = [{ transferId, sessionNumber, reason, by, at: now() }, ...closedOffers.value].slice(0, NOTICES_KEPT);
    },
    ...(deps.WebSocket ? { WebSocket: deps.WebSocket } : {}),
  });

  const dropOffer = (transferId: string) => (offers.value = offers.value.filter((o) => o.id !== transferId));

  return {
    /** Null until the broker says, and for reps who are not agents. */
    status: status as ReadonlySignal<AgentStatus | null>,
    offers: offers as ReadonlySignal<readonly TransferOffer[]>,
    sent: sent as ReadonlySignal<readonly SentTransfer[]>,
    closedOffers: closedOffers as ReadonlySignal<readonly ClosedOffer[]>,
    /** The rep-scoped socket is up (offers arrive live). */
    connected: connected as ReadonlySignal<boolean>,

    async setState(state: AgentState): Promise<void> {
      status.value = (await deps.broker.setAgentState(state)).status;
    },
    /** What the Transfer dialog offers: queues with how many agents are free, agents with their status. */
    async targets(): Promise<{ queues: Queue[]; agents: Agent[] }> {
      const [{ queues }, { agents }] = await Promise.all([deps.broker.listQueues(), deps.broker.listAgents()]);
      return { queues, agents };
    },
    async transfer(sessionId: string, request: TransferRequest): Promise<SentTransfer> {
      const { transfer } = await deps.broker.transfer(sessionId, request);
      if (!sent.value.some((s) => s.id === transfer.id)) sent.value = [...sent.value, transfer];
      return transfer;
    },
    /** Takes the session: the answer is my place in it, as controller. */
    async accept(transferId: string): Promise<string> {
      try {
        const { sessionId } = await deps.broker.acceptTransfer(transferId);
        return sessionId;
      } finally {
        dropOffer(transferId);
      }
    },
    async decline(transferId: string): Promise<void> {
      try {
        await deps.broker.declineTransfer(transferId);
      } finally {
        dropOffer(transferId);
      }
    },
    /** Calls my transfer back: I control the session again. */
    async cancel(transferId: string): Promise<string> {
      const { sessionId } = await deps.broker.cancelTransfer(transferId);
      sent.value = sent.value.filter((s) => s.id !== transferId);
      return sessionId;
    },
    dismissClosed(transferId: string): void {
      closedOffers.value = closedOffers.value.filter((c) => c.transferId !== transferId);
    },
    close(): void {
      stream.close();
    },
  };
}

export type AcdModel = ReturnType<typeof createAcdModel>;
