/** A participant came online or went offline. */
export interface PresenceChange {
  sessionId: string;
  participantId: string;
  online: boolean;
}

export type PresenceListener = (change: PresenceChange) => void;

/**
 * Who the broker hears from right now. A participant is online while at least one events socket stands
 * for them: a customer's socket for its participant, a rep's socket for every current entry of that rep
 * in the sessions it follows. In memory and not stored: presence is a reading, not a change, and after a
 * broker restart everyone is offline until their client reconnects (within seconds).
 */
export class Presence {
  /** participantId → sockets standing for them, and their session. */
  private readonly held = new Map<string, { sessionId: string; sockets: number }>();
  private readonly bySession = new Map<string, Set<string>>();
  private readonly listeners = new Set<PresenceListener>();

  /** One more socket stands for the participant. */
  attach(participantId: string, sessionId: string): void {
    const entry = this.held.get(participantId);
    if (entry) return void entry.sockets++;
    this.held.set(participantId, { sessionId, sockets: 1 });
    let online = this.bySession.get(sessionId);
    if (!online) this.bySession.set(sessionId, (online = new Set()));
    online.add(participantId);
    this.emit({ sessionId, participantId, online: true });
  }

  /** One socket less; offline when it was the last. Harmless for someone already forgotten. */
  detach(participantId: string): void {
    const entry = this.held.get(participantId);
    if (!entry) return;
    if (--entry.sockets === 0) this.drop(participantId, entry.sessionId);
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

  /** Returns an unsubscribe. */
  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private drop(participantId: string, sessionId: string): void {
    this.held.delete(participantId);
    const online = this.bySession.get(sessionId);
    online?.delete(participantId);
    if (online?.size === 0) this.bySession.delete(sessionId);
    this.emit({ sessionId, participantId, online: false });
  }

  private emit(change: PresenceChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
