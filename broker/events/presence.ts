/** A participant came online or went offline. */
export interface PresenceChange {
  sessionId: string;
  participantId: string;
  online: boolean;
}

export type PresenceListener = (change: PresenceChange) => void;
export type HeardHereListener = (participantId: string, sessionId: string, heard: boolean) => void;

interface Held {
  sessionId: string;
  /** This broker's sockets standing for them. */
  sockets: number;
  /** Other brokers that hear from them (cluster/; empty for a broker alone). */
  brokers: Set<string>;
}

/**
 * Who the broker hears from right now. A participant is online while at least one events socket stands
 * for them: a customer's socket for its participant, a rep's socket for every current entry of that rep
 * in the sessions it follows. With several brokers (REDIS_URL) the sockets may be on any of them: what
 * the others hear is mirrored here (`heardElsewhere`), so reading presence stays a local, synchronous look.
 * In memory and not stored: presence is a reading, not a change, and after a broker restart everyone is
 * offline until their client reconnects (within seconds).
 */
export class Presence {
  /** participantId → sockets standing for them, and their session. */
  private readonly held = new Map<string, Held>();
  private readonly bySession = new Map<string, Set<string>>();
  private readonly listeners = new Set<PresenceListener>();
  private readonly hereListeners = new Set<HeardHereListener>();

  /** One more socket stands for the participant. */
  attach(participantId: string, sessionId: string): void {
    if (this.entry(participantId, sessionId).sockets++ === 0) this.emitHere(participantId, sessionId, true);
  }

  /** One socket less; offline when it was the last. Harmless for someone already forgotten. */
  detach(participantId: string): void {
    const entry = this.held.get(participantId);
    if (!entry || entry.sockets === 0) return;
    if (--entry.sockets === 0) this.emitHere(participantId, entry.sessionId, false);
    this.dropIfUnheard(participantId, entry);
  }

  /** Another broker hears from the participant now (`heard`), or no longer. */
  heardElsewhere(brokerId: string, participantId: string, sessionId: string, heard: boolean): void {
    if (heard) return void this.entry(participantId, sessionId).brokers.add(brokerId);
    const entry = this.held.get(participantId);
    if (entry?.brokers.delete(brokerId)) this.dropIfUnheard(participantId, entry);
  }

  /** Another broker went away (closed, or silent too long): whom only it heard are offline. */
  brokerGone(brokerId: string): void {
    for (const [participantId, entry] of [...this.held])
      if (entry.brokers.delete(brokerId)) this.dropIfUnheard(participantId, entry);
  }

  /** Whom this broker's own sockets stand for, with their sessions (what it tells other brokers). */
  heardHere(): [participantId: string, sessionId: string][] {
    return [...this.held].filter(([, entry]) => entry.sockets > 0).map(([id, entry]) => [id, entry.sessionId]);
  }

  /** The participant left the session: offline now, whatever sockets still stand for them. */
  forget(participantId: string): void {
    const entry = this.held.get(participantId);
    if (entry) this.drop(participantId, entry.sessionId);
  }

  /** The session ended: everyone in it is offline. */
  forgetSession(sessionId: string): void {
    for (const participantId of [...(this.bySession.get(sessionId) ?? [])]) this.forget(participantId);
  }

  /** Participant ids online in the session, in the order they came online. */
  online(sessionId: string): string[] {
    return [...(this.bySession.get(sessionId) ?? [])];
  }

  isOnline(participantId: string): boolean {
    return this.held.has(participantId);
  }

  /** Whether this broker's own sockets stand for someone changed (what other brokers mirror). Returns an unsubscribe. */
  onHeardHere(listener: HeardHereListener): () => void {
    this.hereListeners.add(listener);
    return () => this.hereListeners.delete(listener);
  }

  /** Returns an unsubscribe. */
  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private entry(participantId: string, sessionId: string): Held {
    const known = this.held.get(participantId);
    if (known) return known;
    const entry: Held = { sessionId, sockets: 0, brokers: new Set() };
    this.held.set(participantId, entry);
    let online = this.bySession.get(sessionId);
    if (!online) this.bySession.set(sessionId, (online = new Set()));
    online.add(participantId);
    this.emit({ sessionId, participantId, online: true });
    return entry;
  }

  private dropIfUnheard(participantId: string, entry: Held): void {
    if (entry.sockets === 0 && entry.brokers.size === 0) this.drop(participantId, entry.sessionId);
  }

  private drop(participantId: string, sessionId: string): void {
    const heardHere = (this.held.get(participantId)?.sockets ?? 0) > 0;
    this.held.delete(participantId);
    if (heardHere) this.emitHere(participantId, sessionId, false);
    const online = this.bySession.get(sessionId);
    online?.delete(participantId);
    if (online?.size === 0) this.bySession.delete(sessionId);
    this.emit({ sessionId, participantId, online: false });
  }

  private emitHere(participantId: string, sessionId: string, heard: boolean): void {
    for (const listener of [...this.hereListeners]) listener(participantId, sessionId, heard);
  }

  private emit(change: PresenceChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
