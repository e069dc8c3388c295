import type { Presence } from '../events/presence';
import type { RepChannel } from '../events/repChannel';
import type { Broadcast } from './messages';

export interface MirrorTiming {
  /** How often a broker tells the others everything it hears (also its sign of life). */
  snapshotMs: number;
  /** A broker not heard from this long is gone (killed, cut off): what only it heard goes offline. */
  silentAfterMs: number;
}

export const MIRROR_TIMING: MirrorTiming = { snapshotMs: 5_000, silentAfterMs: 15_000 };

interface Member {
  lastHeard: number;
  /** participantId → sessionId */
  participants: Map<string, string>;
  reps: Set<string>;
}

/**
 * Presence and online reps across brokers: each broker tells the others whose sockets it holds (a delta
 * when one comes or goes, everything every few seconds), and mirrors theirs into its own Presence and
 * RepChannel, so "who is online" stays a synchronous local reading wherever it is asked. A broker that
 * says bye, or falls silent, is dropped with everything it heard; a snapshot corrects any delta lost in
 * an outage.
 */
export class PresenceMirror {
  private readonly members = new Map<string, Member>();
  private readonly stops: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly self: string,
    private readonly presence: Presence,
    private readonly reps: RepChannel,
    private readonly broadcast: (message: Broadcast) => void,
    private readonly timing: MirrorTiming = MIRROR_TIMING,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    const from = this.self;
    this.stops.push(
      this.presence.onHeardHere((participantId, sessionId, heard) =>
        this.broadcast({ kind: 'presence', from, participantId, sessionId, heard }),
      ),
      this.reps.onHeardHere((repId, heard) => this.broadcast({ kind: 'rep', from, repId, heard })),
    );
    this.timer = setInterval(() => {
      this.snapshot();
      this.dropSilent();
    }, this.timing.snapshotMs);
    this.timer.unref();
    this.hello();
  }

  /** Asks every broker for what it hears, and tells them what this one does (at start, after an outage). */
  hello(): void {
    this.broadcast({ kind: 'hello', from: this.self });
    this.snapshot();
  }

  /** Members heard from recently (tests, diagnostics). */
  get brokers(): string[] {
    return [...this.members.keys()];
  }

  receive(message: Broadcast): void {
    if (message.from === this.self) return;
    switch (message.kind) {
      case 'hello':
        this.member(message.from);
        return this.snapshot();
      case 'bye':
        return this.forget(message.from);
      case 'snapshot':
        return this.replace(message.from, new Map(message.participants), new Set(message.reps));
      case 'presence': {
        const member = this.member(message.from);
        if (message.heard) member.participants.set(message.participantId, message.sessionId);
        else member.participants.delete(message.participantId);
        return this.presence.heardElsewhere(message.from, message.participantId, message.sessionId, message.heard);
      }
      case 'rep': {
        const member = this.member(message.from);
        if (message.heard) member.reps.add(message.repId);
        else member.reps.delete(message.repId);
        return this.reps.heardElsewhere(message.from, message.repId, message.heard);
      }
      default:
        // Other kinds are someone else's business; any message is a sign of life.
        this.member(message.from);
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const stop of this.stops.splice(0)) stop();
    this.broadcast({ kind: 'bye', from: this.self });
    for (const id of [...this.members.keys()]) this.forget(id);
  }

  private snapshot(): void {
    this.broadcast({
      kind: 'snapshot',
      from: this.self,
      participants: this.presence.heardHere(),
      reps: this.reps.heardHere(),
    });
  }

  private member(id: string): Member {
    let member = this.members.get(id);
    if (!member) this.members.set(id, (member = { lastHeard: 0, participants: new Map(), reps: new Set() }));
    member.lastHeard = this.now();
    return member;
  }

  /** A snapshot: what the member no longer hears goes, what it hears now comes. */
  private replace(id: string, participants: Map<string, string>, reps: Set<string>): void {
    const member = this.member(id);
    for (const [participantId, sessionId] of member.participants)
      if (!participants.has(participantId)) this.presence.heardElsewhere(id, participantId, sessionId, false);
    for (const [participantId, sessionId] of participants) this.presence.heardElsewhere(id, participantId, sessionId, true);
    for (const repId of member.reps) if (!reps.has(repId)) this.reps.heardElsewhere(id, repId, false);
    for (const repId of reps) this.reps.heardElsewhere(id, repId, true);
    member.participants = participants;
    member.reps = reps;
  }

  private dropSilent(): void {
    const cutoff = this.now() - this.timing.silentAfterMs;
    for (const [id, member] of [...this.members]) if (member.lastHeard < cutoff) this.forget(id);
  }

  private forget(id: string): void {
    this.members.delete(id);
    this.presence.brokerGone(id);
    this.reps.brokerGone(id);
  }
}
