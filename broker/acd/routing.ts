import type { QueueRouting } from '../../core/protocol';

/** One agent as routing weighs them. */
export interface Candidate {
  repId: string;
  /** Available, online, below their maximum, an agent of this queue. */
  eligible: boolean;
  liveSessions: number;
  /** When they last joined or left a session, or last became available: longer ago is idler. */
  idleSince: number;
}

export interface RoutingInput {
  routing: QueueRouting;
  /** The queue's agents in the admin's order (round robin follows it). */
  order: readonly string[];
  candidates: ReadonlyMap<string, Candidate>;
  /** Agents this transfer was offered to already, in any state: never twice to the same agent. */
  offered: ReadonlySet<string>;
  /** Is an offer of this transfer open now (one-at-a-time routings wait for it)? */
  offerOpen: boolean;
  /** Round robin: the agent of this queue offered last. */
  cursor: string | null;
}

/**
 * Whom a queued transfer is offered to now, as WebACD routes it: `everybody` offers it at once to every
 * eligible agent not asked yet; `most-idle` and `round-robin` offer it to one agent at a time, the next
 * only once the open offer is declined or timed out. Pure: the dispatcher supplies state and clock.
 */
export function nextOffers(input: RoutingInput): string[] {
  const fresh = input.order.filter((id) => input.candidates.get(id)?.eligible && !input.offered.has(id));
  if (input.routing === 'everybody') return fresh;
  if (input.offerOpen || fresh.length === 0) return [];
  if (input.routing === 'most-idle') {
    const idlest = [...fresh].sort((a, b) => {
      const ca = input.candidates.get(a)!;
      const cb = input.candidates.get(b)!;
      return ca.liveSessions - cb.liveSessions || ca.idleSince - cb.idleSince;
    });
    return [idlest[0]!];
  }
  // Round robin: the first fresh agent after the one offered last, wrapping around.
  const start = input.cursor === null ? -1 : input.order.indexOf(input.cursor);
  const rotated = [...input.order.slice(start + 1), ...input.order.slice(0, start + 1)];
  return [rotated.find((id) => fresh.includes(id))!];
}

/** Offers of one-at-a-time routings and to named agents run out; `everybody` offers stay until taken. */
export function offerExpiry(routing: QueueRouting | 'named', now: number, offerMs: number): number | null {
  return routing === 'everybody' ? null : now + offerMs;
}
