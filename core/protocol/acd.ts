import * as v from 'valibot';
import { OpaqueId } from './ids';
import { countCharacters, hasBidiControls } from './text';

/**
 * WebACD: agents (reps the admin marked `--acd`), queues of agents, and transfers of a live session to
 * a queue or to named agents. Shapes of its REST calls and of what the events socket pushes to agents.
 */

/** What an agent sets for themself. Signing in makes an agent available until they say otherwise. */
export const AgentState = v.picklist(['available', 'away']);
export type AgentState = v.InferOutput<typeof AgentState>;

/** How others see an agent: their own state, busy at their maximum of sessions, or offline (no socket). */
export const AgentStatus = v.picklist(['available', 'away', 'busy', 'offline']);
export type AgentStatus = v.InferOutput<typeof AgentStatus>;

/** How a queue offers a session: to every eligible agent at once, or to one at a time. */
export const QueueRouting = v.picklist(['everybody', 'most-idle', 'round-robin']);
export type QueueRouting = v.InferOutput<typeof QueueRouting>;

export const Queue = v.object({
  id: OpaqueId,
  name: v.string(),
  routing: QueueRouting,
  /** Agents of the queue who could take a session now. */
  available: v.number(),
  agents: v.number(),
});
export type Queue = v.InferOutput<typeof Queue>;
export const QueueList = v.object({ queues: v.array(Queue) });

export const Agent = v.object({
  /** The agent's rep id. */
  id: OpaqueId,
  name: v.string(),
  status: AgentStatus,
});
export type Agent = v.InferOutput<typeof Agent>;
export const AgentList = v.object({ agents: v.array(Agent) });

export const SetAgentStateRequest = v.object({ state: AgentState });
export type SetAgentStateRequest = v.InferInput<typeof SetAgentStateRequest>;
export const AgentStateResponse = v.object({ state: AgentState, status: AgentStatus });
export type AgentStateResponse = v.InferOutput<typeof AgentStateResponse>;

/** The longest personal message a transfer carries, in characters as a person counts them. */
export const TRANSFER_MESSAGE_MAX = 345;

/** A personal message to the receiving agent(s): lines allowed, no direction tricks, at most 345 characters. */
export const TransferMessage = v.pipe(
  v.string(),
  // Bounds the work before counting: 345 characters of combining marks or emoji fit in this many code units.
  v.maxLength(20 * TRANSFER_MESSAGE_MAX, `A message has at most ${TRANSFER_MESSAGE_MAX} characters`),
  v.transform((text) => text.normalize('NFC').trim()),
  v.check((text) => countCharacters(text) <= TRANSFER_MESSAGE_MAX, `A message has at most ${TRANSFER_MESSAGE_MAX} characters`),
  // eslint-disable-next-line no-control-regex -- line breaks are fine; other control characters are not
  v.check((text) => !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u.test(text), 'A message must not contain control characters'),
  v.check((text) => !hasBidiControls(text), 'A message must not contain characters that change the text direction'),
);

/** POST /api/sessions/:id/transfer: to one queue, or to one or more agents (by rep id), never both. */
export const TransferRequest = v.pipe(
  v.object({
    queueId: v.optional(OpaqueId),
    agentIds: v.optional(
      v.pipe(v.array(OpaqueId), v.minLength(1, 'Pick at least one agent'), v.maxLength(50, 'Pick at most 50 agents')),
    ),
    message: v.optional(TransferMessage),
  }),
  v.check((r) => (r.queueId === undefined) !== (r.agentIds === undefined), 'Transfer to one queue or to agents, not both'),
);
export type TransferRequest = v.InferInput<typeof TransferRequest>;

/** Where a transfer goes, as people read it. */
export const TransferTarget = v.object({
  /** The queue's name; null for a transfer to named agents. */
  queue: v.nullable(v.string()),
  /** The named agents' names (empty for a queue). */
  agents: v.array(v.string()),
});
export type TransferTarget = v.InferOutput<typeof TransferTarget>;

/** A transfer the caller started, still open (they may cancel it). */
export const SentTransfer = v.object({
  id: OpaqueId,
  sessionId: OpaqueId,
  sessionNumber: v.string(),
  customers: v.array(v.string()),
  target: TransferTarget,
  createdAt: v.number(),
});
export type SentTransfer = v.InferOutput<typeof SentTransfer>;

/**
 * A session offered to the caller: by a transfer (to them, or to a queue of theirs), or back to the rep
 * who transferred it when every named agent declined (`takeBack`).
 */
export const TransferOffer = v.object({
  /** The transfer's id: accept, decline it by this. */
  id: OpaqueId,
  sessionId: OpaqueId,
  sessionNumber: v.string(),
  customers: v.array(v.string()),
  from: v.string(),
  /** The queue it came through, if any. */
  queue: v.nullable(v.string()),
  message: v.string(),
  offeredAt: v.number(),
  /** When it passes to the next agent or counts as declined; null: open until someone takes it. */
  expiresAt: v.nullable(v.number()),
  takeBack: v.boolean(),
});
export type TransferOffer = v.InferOutput<typeof TransferOffer>;

export const TransferList = v.object({ offers: v.array(TransferOffer), sent: v.array(SentTransfer) });
export type TransferList = v.InferOutput<typeof TransferList>;

export const CreateTransferResponse = v.object({ transfer: SentTransfer });
export type CreateTransferResponse = v.InferOutput<typeof CreateTransferResponse>;

/** Why an offer is gone from an agent's list (pushed live, so the card can say so). */
export const OfferClosedReason = v.picklist(['taken', 'cancelled', 'expired', 'declined']);
export type OfferClosedReason = v.InferOutput<typeof OfferClosedReason>;
