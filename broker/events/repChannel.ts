import type { EventsServerMessage } from '../../core/protocol';

/** Where a message to a rep goes: one of their events sockets. */
export interface RepSink {
  push(message: EventsServerMessage): void;
}

export type RepChannelListener = (change: { repId: string; sink: RepSink; online: boolean }) => void;

/**
 * Reps the broker hears from right now (an events socket open: the side panel, or the extension's
 * background), and a way to push them messages that belong to no session: WebACD offers and state. In
 * memory, like Presence: after a restart reps count as online again once their sockets reconnect.
 */
export class RepChannel {
  private readonly sinks = new Map<string, Set<RepSink>>();
  private readonly listeners = new Set<RepChannelListener>();

  add(repId: string, sink: RepSink): void {
    let set = this.sinks.get(repId);
    if (!set) this.sinks.set(repId, (set = new Set()));
    if (set.has(sink)) return;
    set.add(sink);
    this.emit({ repId, sink, online: true });
  }

  remove(repId: string, sink: RepSink): void {
    const set = this.sinks.get(repId);
    if (!set?.delete(sink)) return;
    if (set.size === 0) this.sinks.delete(repId);
    this.emit({ repId, sink, online: false });
  }

  isOnline(repId: string): boolean {
    return this.sinks.has(repId);
  }

  onlineReps(): string[] {
    return [...this.sinks.keys()];
  }

  /** Every sink of the rep (tests, diagnostics). */
  sinksOf(repId: string): readonly RepSink[] {
    return [...(this.sinks.get(repId) ?? [])];
  }

  send(repId: string, message: EventsServerMessage): void {
    for (const sink of [...(this.sinks.get(repId) ?? [])]) sink.push(message);
  }

  /** Called for every socket that opens or closes (`online` says whether the rep still has one). */
  onChange(listener: RepChannelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: { repId: string; sink: RepSink; online: boolean }): void {
    const online = this.isOnline(change.repId);
    for (const listener of [...this.listeners]) listener({ ...change, online });
  }
}
