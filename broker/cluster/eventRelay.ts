import type { SessionEvent } from '../../core/protocol';
import type { EventBus } from '../events/bus';
import type { Broadcast } from './messages';

/**
 * Session events across brokers: what this broker commits goes to the others after the commit (its own
 * listeners have it already); what another committed is handed to this broker's listeners once, and
 * never sent back out. Each broker's events sockets then deliver it to their own clients only, so no
 * client gets an event twice (and each socket skips sequence numbers it has sent).
 */
export class EventRelay {
  /** Events that came from another broker: this broker's listeners hear them, the relay does not echo them. */
  private readonly arrived = new WeakSet<SessionEvent>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly self: string,
    private readonly bus: EventBus,
    broadcast: (message: Broadcast) => void,
  ) {
    this.unsubscribe = bus.subscribe((event) => {
      if (!this.arrived.has(event)) broadcast({ kind: 'event', from: self, event });
    });
  }

  receive(message: Extract<Broadcast, { kind: 'event' }>): void {
    if (message.from === this.self) return;
    this.arrived.add(message.event);
    this.bus.deliverFromElsewhere(message.event);
  }

  close(): void {
    this.unsubscribe();
  }
}
