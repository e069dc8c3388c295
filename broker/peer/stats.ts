/** Why the PeerServer dropped a message instead of relaying it. */
export const DROP_REASONS = [
  /** Not JSON, a binary frame, or not shaped as PeerJS sends it. */
  'malformed',
  /** A type clients do not send (EXPIRE, OPEN, anything else). */
  'unknownType',
  /** The sender is out of the session (or its socket is closing). */
  'senderGone',
  /** No participant has this peer id. */
  'unknownDestination',
  /** The destination left, or its session ended. */
  'destinationGone',
  /** The destination is in another session. */
  'otherSession',
  /** A data connection offered with a serialization other than 'json'. */
  'serialization',
  /** A media call from a customer who is not the active customer. */
  'mediaNotAllowed',
  /** Over the sender's rate: all messages, OFFERs, or OFFERs to one peer. */
  'rateLimited',
  /** The destination is not connected and enough already waits for it. */
  'queueFull',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/**
 * What the PeerServer relayed and dropped, since start. For diagnostics, and for tests, which wait for a
 * count to be reached (`until`) instead of sleeping.
 */
export class SignalingStats {
  relayed = 0;
  readonly dropped = Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>;
  /** Frames over maxPayload; ws closes those sockets. */
  oversized = 0;
  /** Other frames that broke the websocket protocol (bad UTF-8, bad opcodes…); ws closes those too. */
  badFrames = 0;
  /** Sockets cut off for flooding. */
  cutOff = 0;
  private readonly waiters = new Set<{ done: (stats: SignalingStats) => boolean; resolve: () => void }>();

  count(what: DropReason | 'relayed' | 'oversized' | 'badFrames' | 'cutOff'): void {
    if (what === 'relayed' || what === 'oversized' || what === 'badFrames' || what === 'cutOff') this[what]++;
    else this.dropped[what]++;
    if (this.waiters.size > 0) this.settle();
  }

  /** Resolves once `done(stats)` holds. */
  until(done: (stats: SignalingStats) => boolean): Promise<void> {
    if (done(this)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ done, resolve }));
  }

  private settle(): void {
    for (const waiter of [...this.waiters]) {
      if (!waiter.done(this)) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
