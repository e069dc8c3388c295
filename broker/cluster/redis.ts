import { Redis } from 'ioredis';
import type { Logger } from '../log';
import { LogThrottle } from '../logThrottle';

/** Every key and channel of the cluster starts with this, so one Redis can serve other things too. */
export const KEY_PREFIX = 'rs:';

/**
 * The broker's two connections to Redis: one for commands and publishing, one that only subscribes (a
 * subscribed connection can do nothing else). ioredis reconnects by itself with backoff; while Redis is
 * away, commands fail fast (no offline queue) and every failure is one throttled log line, never a
 * crash: a broker keeps serving its own clients through an outage.
 */
export class RedisLink {
  readonly commands: Redis;
  readonly subscriber: Redis;
  private readonly failures: LogThrottle;

  constructor(url: string, log: Logger) {
    this.failures = new LogThrottle(log, 'Redis: a cluster command failed', 10_000);
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    };
    this.commands = new Redis(url, options);
    // The subscriber queues its SUBSCRIBE until it is connected again, and resubscribes itself.
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
    const down = new LogThrottle(log, 'Redis: connection trouble', 10_000);
    for (const connection of [this.commands, this.subscriber]) {
      connection.on('error', (error: Error) => down.note(error.message));
    }
  }

  /** Connects both; throws when Redis is not there at start (a broker must not start half-clustered). */
  async connect(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
  }

  /** Notes a failed command (in one line) and carries on. */
  failed(what: string, error: unknown): void {
    this.failures.note(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** Publishes, and forgets about it: a lost message is logged, not thrown. */
  publish(channel: string, message: string): void {
    this.commands.publish(channel, message).catch((error: unknown) => this.failed(`publish on ${channel}`, error));
  }

  close(): void {
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}
