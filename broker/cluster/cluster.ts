import { randomBytes } from 'node:crypto';
import type { EventsServerMessage } from '../../core/protocol';
import type { EventBus } from '../events/bus';
import type { Presence } from '../events/presence';
import type { RepChannel } from '../events/repChannel';
import type { Logger } from '../log';
import { CHANNELS } from './channels';
import type { ClusterDuty } from './duty';
import { EventRelay } from './eventRelay';
import { ClusterInbox } from './inbox';
import { LEASE_TIMING, LeaderLease, type LeaseTiming } from './lease';
import { Broadcast, Direct, MAX_CLUSTER_MESSAGE_BYTES, MAX_SIGNAL_BYTES } from './messages';
import { MIRROR_TIMING, PresenceMirror, type MirrorTiming } from './mirror';
import { PEER_REGISTRY_TIMING, PeerRelay, type PeerRegistryTiming } from './peerRelay';
import { RedisLink } from './redis';
import { RedisWindows } from './redisWindows';
import { sharedServerKey } from './serverKey';

/** Timings of the cluster's clocks; tests make them short. */
export interface ClusterTiming {
  mirror: MirrorTiming;
  lease: LeaseTiming;
  peers: PeerRegistryTiming;
}

export const CLUSTER_TIMING: ClusterTiming = { mirror: MIRROR_TIMING, lease: LEASE_TIMING, peers: PEER_REGISTRY_TIMING };

/** What the cluster reaches into once the broker's live parts exist. */
export interface ClusterParts {
  bus: EventBus;
  presence: Presence;
  reps: RepChannel;
  /** Another broker asked for a WebACD pass (heard only while this one leads). */
  acdChanged(): void;
  /** This broker just took over the once-per-cluster duties. */
  lead(): void;
  /** Back from an outage: what other brokers published meanwhile was lost; catch up from the store. */
  resync(): void;
}

/**
 * This broker as a member of a cluster (REDIS_URL): session events, WebACD pushes, presence and
 * signaling reach clients on every broker; one broker at a time leads the duties that must not run
 * twice. Every message from Redis passes ClusterInbox. A Redis outage is logged and survived: each
 * broker goes on serving its own clients, and the members catch up (hello, snapshots) once it is back.
 */
export class Cluster {
  readonly brokerId = randomBytes(12).toString('base64url');
  readonly inbox: ClusterInbox;
  readonly peers: PeerRelay;
  readonly duty: ClusterDuty;
  private readonly lease: LeaderLease;
  private mirror: PresenceMirror | undefined;
  private events: EventRelay | undefined;
  private parts: ClusterParts | undefined;

  private constructor(
    private readonly link: RedisLink,
    private readonly timing: ClusterTiming,
    log: Logger,
  ) {
    this.inbox = new ClusterInbox(log);
    this.peers = new PeerRelay(link, this.brokerId, timing.peers);
    this.lease = new LeaderLease(link, this.brokerId, timing.lease);
    this.duty = {
      leads: () => this.lease.leads(),
      askLeader: () => this.broadcast({ kind: 'acd-changed', from: this.brokerId }),
    };
  }

  /** Connects to Redis and listens; throws when Redis is not there (a broker does not start half-clustered). */
  static async join(url: string, log: Logger, timing: ClusterTiming = CLUSTER_TIMING): Promise<Cluster> {
    const link = new RedisLink(url, log);
    try {
      await link.connect();
      const cluster = new Cluster(link, timing, log);
      link.subscriber.on('message', (channel: string, raw: string) => cluster.hear(channel, raw));
      await link.subscriber.subscribe(CHANNELS.all, CHANNELS.to(cluster.brokerId));
      return cluster;
    } catch (error) {
      link.close();
      throw error;
    }
  }

  /** Rate-limit counts every member sees (cluster/redisWindows.ts). */
  windows(now: () => number): RedisWindows {
    return new RedisWindows(this.link, now);
  }

  /** The HMAC key all members share (cluster/serverKey.ts). */
  serverKey(ownKey: Buffer): Promise<Buffer> {
    return sharedServerKey(this.link, ownKey);
  }

  /** Starts relaying, mirroring and the lease once the broker's live parts exist. */
  async attach(parts: ClusterParts): Promise<void> {
    this.parts = parts;
    this.events = new EventRelay(this.brokerId, parts.bus, (message) => this.broadcast(message));
    parts.reps.remoteSend = (brokers, repId, message) => this.pushToRep(brokers, repId, message);
    this.mirror = new PresenceMirror(this.brokerId, parts.presence, parts.reps, (m) => this.broadcast(m), this.timing.mirror);
    this.mirror.start();
    // Back after an outage. Hearing again: catch up on the events and WebACD changes published while
    // this broker could not hear them. Speaking again: say hello, so the others catch up on what this
    // broker could not publish meanwhile, and everyone tells what they hear.
    this.link.subscriber.on('ready', () => {
      this.mirror?.hello();
      parts.resync();
    });
    this.link.commands.on('ready', () => this.mirror?.hello());
    this.peers.start();
    this.lease.onLead(() => parts.lead());
    await this.lease.start();
  }

  /** Brokers this one has heard from lately (tests, diagnostics). */
  get members(): string[] {
    return this.mirror?.brokers ?? [];
  }

  async close(): Promise<void> {
    this.events?.close();
    this.mirror?.close();
    this.peers.close();
    await this.lease.close();
    // Let the last publishes (bye, unregistering peers) go out before hanging up.
    await this.link.commands.ping().catch(() => undefined);
    this.link.close();
  }

  private broadcast(message: Broadcast): void {
    this.link.publish(CHANNELS.all, JSON.stringify(message));
  }

  private pushToRep(brokers: ReadonlySet<string>, repId: string, message: EventsServerMessage): void {
    const raw = JSON.stringify({ kind: 'rep-push', from: this.brokerId, repId, message });
    for (const brokerId of brokers) this.link.publish(CHANNELS.to(brokerId), raw);
  }

  private hear(channel: string, raw: string): void {
    if (channel === CHANNELS.all) {
      const message = this.inbox.read(Broadcast, raw, MAX_CLUSTER_MESSAGE_BYTES);
      if (message) this.heardBroadcast(message);
    } else if (channel === CHANNELS.to(this.brokerId)) {
      const message = this.inbox.read(Direct, raw, MAX_CLUSTER_MESSAGE_BYTES);
      if (message) this.heardDirect(message, raw);
    }
  }

  private heardBroadcast(message: Broadcast): void {
    if (message.from === this.brokerId) return;
    this.mirror?.receive(message);
    if (message.kind === 'event') this.events?.receive(message);
    // A broker started, or is back after an outage: what it published while cut off never came.
    else if (message.kind === 'hello') this.parts?.resync();
    else if (message.kind === 'acd-changed' && this.lease.leads()) this.parts?.acdChanged();
    else if (message.kind === 'peer-moved') this.peers.moved(message.peerId, message.from);
  }

  private heardDirect(message: Direct, raw: string): void {
    if (message.kind === 'rep-push') return this.parts?.reps.sendHere(message.repId, message.message);
    // A signal is a relayed PeerServer frame: no bigger than the PeerServer takes from a peer.
    if (raw.length > MAX_SIGNAL_BYTES) return void this.inbox.drop('oversized', `a signal of ${raw.length} characters`);
    this.peers.arrive(message.src, message.message);
  }
}
