import type { EventsServerMessage } from '../../core/protocol';

/** Where a message to a rep goes: one of their events sockets. */
export interface RepSink {
  push(message: EventsServerMessage): void;
}

/** `sink` is the socket that opened or closed here; none when the change was on another broker. */
export type RepChannelListener = (change: { repId: string; sink?: RepSink; online: boolean }) => void;

/** Carries a push to a rep whose sockets are on other brokers (cluster/). */
export type RemoteRepSend = (brokerIds: ReadonlySet<string>, repId: string, message: EventsServerMessage) => void;

/**
 * Reps the broker hears from right now (an events socket open: the side panel, or the extension's
 * background), and a way to push them messages that belong to no session: WebACD offers and state. In
 * memory, like Presence: after a restart reps count as online again once their sockets reconnect. With
 * several brokers, reps whose sockets are on others are mirrored here (`heardElsewhere`) and pushes to
 * them go through `remoteSend`.
 */
export class RepChannel {
  private readonly sinks = new Map<string, Set<RepSink>>();
  private readonly elsewhere = new Map<string, Set<string>>();
  private readonly listeners = new Set<RepChannelListener>();
  private readonly hereListeners = new Set<(repId: string, heard: boolean) => void>();
  remoteSend: RemoteRepSend | undefined;

  add(repId: string, sink: RepSink): void {
    let set = this.sinks.get(repId);
    if (!set) this.sinks.set(repId, (set = new Set()));
    if (set.has(sink)) return;
    set.add(sink);
    if (set.size === 1) this.emitHere(repId, true);
    this.emit({ repId, sink, online: true });
  }

  remove(repId: string, sink: RepSink): void {
    const set = this.sinks.get(repId);
    if (!set?.delete(sink)) return;
    if (set.size === 0) {
      this.sinks.delete(repId);
      this.emitHere(repId, false);
    }
    this.emit({ repId, sink, online: false });
  }

  /** Another broker has a socket of the rep now (`heard`), or no longer. */
  heardElsewhere(brokerId: string, repId: string, heard: boolean): void {
    let brokers = this.elsewhere.get(repId);
    if (heard) {
      if (!brokers) this.elsewhere.set(repId, (brokers = new Set()));
      if (brokers.has(brokerId)) return;
      brokers.add(brokerId);
    } else {
      if (!brokers?.delete(brokerId)) return;
      if (brokers.size === 0) this.elsewhere.delete(repId);
    }
    this.emit({ repId, online: heard });
  }

  /** Another broker went away: its reps' sockets with it. */
  brokerGone(brokerId: string): void {
    for (const [repId, brokers] of [...this.elsewhere]) if (brokers.has(brokerId)) this.heardElsewhere(brokerId, repId, false);
  }

  /** Reps with a socket on this broker (what it tells other brokers). */
  heardHere(): string[] {
    return [...this.sinks.keys()];
  }

  /** Whether this broker's own sockets of a rep came or went (the first opened, the last closed). */
  onHeardHere(listener: (repId: string, heard: boolean) => void): () => void {
    this.hereListeners.add(listener);
    return () => this.hereListeners.delete(listener);
  }

  isOnline(repId: string): boolean {
    return this.sinks.has(repId) || this.elsewhere.has(repId);
  }

  onlineReps(): string[] {
    return [...new Set([...this.sinks.keys(), ...this.elsewhere.keys()])];
  }

  /** Every sink of the rep on this broker (its events sockets; tests, diagnostics). */
  sinksOf(repId: string): readonly RepSink[] {
    return [...(this.sinks.get(repId) ?? [])];
  }

  /** To every socket of the rep, here and on other brokers. */
  send(repId: string, message: EventsServerMessage): void {
    this.sendHere(repId, message);
    const brokers = this.elsewhere.get(repId);
    if (brokers && this.remoteSend) this.remoteSend(brokers, repId, message);
  }

  /** To the rep's sockets on this broker only (a push another broker relayed). */
  sendHere(repId: string, message: EventsServerMessage): void {
    for (const sink of [...(this.sinks.get(repId) ?? [])]) sink.push(message);
  }

  /** Called for every socket that opens or closes (`online` says whether the rep still has one). */
  onChange(listener: RepChannelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitHere(repId: string, heard: boolean): void {
    for (const listener of [...this.hereListeners]) listener(repId, heard);
  }

  private emit(change: { repId: string; sink?: RepSink; online: boolean }): void {
    const online = this.isOnline(change.repId);
    for (const listener of [...this.listeners]) listener({ ...change, online });
  }
}
