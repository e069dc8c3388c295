import * as v from 'valibot';
import type { Logger } from '../log';
import { LogThrottle } from '../logThrottle';

/** Why a message from Redis was not used. */
export type ClusterDrop = 'oversized' | 'malformed';

export interface ClusterCounts {
  received: number;
  dropped: Record<ClusterDrop, number>;
}

/**
 * The one door for messages from Redis: a size check before parsing, JSON, then the schema. Anything
 * else is counted and told in one throttled line, never thrown (a forged or broken message must not
 * take a broker down, and must not flood its log).
 */
export class ClusterInbox {
  readonly counts: ClusterCounts = { received: 0, dropped: { oversized: 0, malformed: 0 } };
  private readonly junk: LogThrottle;

  constructor(log: Logger) {
    this.junk = new LogThrottle(log, 'Cluster: dropped a message from Redis');
  }

  read<S extends v.GenericSchema>(schema: S, raw: string, maxBytes: number): v.InferOutput<S> | undefined {
    this.counts.received++;
    // Characters never outnumber bytes: a string this long is too big whatever it holds.
    if (raw.length > maxBytes || Buffer.byteLength(raw, 'utf8') > maxBytes)
      return this.drop('oversized', `${raw.length} characters`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return this.drop('malformed', 'not JSON');
    }
    const parsed = v.safeParse(schema, json);
    if (!parsed.success) return this.drop('malformed', `not a cluster message: ${parsed.issues[0].message}`);
    return parsed.output;
  }

  /** Counts and notes a message refused after reading (e.g. too big for its kind). */
  drop(reason: ClusterDrop, detail: string): undefined {
    this.counts.dropped[reason]++;
    this.junk.note(`${reason}: ${detail}`);
    return undefined;
  }
}
