import type { BrokerContext } from '../context';
import { recordDeparture } from '../sessions/departure';
import type { Presence } from './presence';

/**
 * Customers and assistants who stay offline for the grace period (PRESENCE_GRACE_SECONDS) are taken
 * out of the session with reason 'timeout': a closed browser ends as "left", not as a name that stays
 * green forever. The controller never is: a rep who vanished without signing out keeps the session,
 * customers see them offline, and it carries on when they are back. "The controller" is whoever holds the
 * role now (read from the store, never the role at join): control can pass either way.
 *
 * The clock starts when someone goes offline, when someone joins (until their socket opens), and for
 * everyone present when the broker starts (nobody is online after a restart until they reconnect).
 */
export class PresenceGrace {
  private closed = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly ctx: BrokerContext,
    private readonly presence: Presence,
    private readonly graceMs: number,
  ) {
    this.unsubscribe = [
      presence.onChange(({ participantId, online }) => (online ? this.cancel(participantId) : this.startIfTimed(participantId))),
      ctx.bus.subscribe((event) => {
        if (event.type === 'participant-joined') this.startIfTimed(event.participant.id);
        else if (event.type === 'participant-left') this.cancel(event.participantId);
        else if (event.type === 'control-changed') {
          // Roles swapped: the new controller's clock stops; the former one, now an assistant, may time out.
          this.cancel(event.to);
          this.startIfTimed(event.from);
        }
      }),
    ];
  }

  /** At boot: everyone in a live session gets the full grace from now to come back. */
  async startForEveryonePresent(): Promise<void> {
    for (const p of await this.ctx.store.listPresentParticipants()) if (p.role !== 'controller') this.start(p.id);
  }

  /** Participants whose clock runs (tests and diagnostics). */
  get running(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Starts the clock of someone (offline, in the session, not its controller); asks the store who they are. */
  private startIfTimed(participantId: string): void {
    this.ctx.store
      .findParticipant(participantId)
      .then((p) => p && p.leftAt === null && p.role !== 'controller' && this.start(participantId))
      .catch((error: unknown) => this.ctx.log.error('Starting a presence grace clock failed', error));
  }

  private start(participantId: string): void {
    if (this.closed || this.presence.isOnline(participantId)) return;
    clearTimeout(this.timers.get(participantId));
    const timer = setTimeout(() => void this.expire(participantId), this.graceMs);
    timer.unref();
    this.timers.set(participantId, timer);
  }

  private cancel(participantId: string): void {
    clearTimeout(this.timers.get(participantId));
    this.timers.delete(participantId);
  }

  private async expire(participantId: string): Promise<void> {
    this.timers.delete(participantId);
    // Every broker keeps the clocks (each hears every event and all presence); the leading one acts.
    if (this.presence.isOnline(participantId) || !this.ctx.duty.leads()) return;
    try {
      // Read again: they may have left, or become the controller, while the clock ran.
      const p = await this.ctx.store.findParticipant(participantId);
      if (!p || p.leftAt !== null || p.role === 'controller') return;
      await recordDeparture(this.ctx, p, 'timeout', { actor: 'broker', action: 'timeout' });
    } catch (error) {
      this.ctx.log.error('Taking an offline participant out of their session failed', error);
    }
  }
}
