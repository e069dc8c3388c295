import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { EVENTS_PATH } from '../core/protocol';
import { resolvePublicUrl, type Config } from './config';
import type { BrokerContext } from './context';
import { loggingAudit } from './activityLog';
import { consoleLogger, leveledLogger, type Logger } from './log';
import { openStore, type Store } from './store';
import { loadServerKey } from './auth/serverKey';
import { Revocations } from './auth/revocations';
import type { ConcurrencyLimit } from './auth/concurrencyLimit';
import { startCredentialSweep } from './auth/credentialSweep';
import { createRateLimits } from './rateLimits';
import { ensureAdmin, type AdminSetup } from './reps';
import { EventBus } from './events/bus';
import { createEventsServer, type EventsServer } from './events/socket';
import type { HeartbeatTiming } from './events/heartbeat';
import { Presence } from './events/presence';
import { RepChannel } from './events/repChannel';
import { TransferDispatcher } from './acd/dispatcher';
import { PresenceGrace } from './events/grace';
import { createPeerService, PEER_MOUNT, PEER_SOCKET_PATH, type PeerService } from './peer/server';
import { apiRouter } from './api';
import { errorHandler, notFoundHandler } from './api/errors';
import { securityHeaders } from './http/securityHeaders';
import { cors } from './http/cors';
import { joinPage } from './http/joinPage';
import { routeUpgrades } from './http/upgrade';
import { createMailer, type Mailer } from './mail/mailer';
import { WaitNotifier } from './sessions/waitNotifier';
import { expireOverdueWaits } from './sessions/waits';
import { Cluster, type ClusterTiming } from './cluster/cluster';
import { ALONE } from './cluster/duty';

/** How often waits that ran out are closed (their `knock-ended expired` clears the reps' notices). */
export const WAIT_SWEEP_INTERVAL_MS = 5_000;

export const JOIN_PAGE_DIST = join(dirname(fileURLToPath(import.meta.url)), '../join-page/dist');

export interface Broker {
  /** Where the broker listens, e.g. http://127.0.0.1:9000. */
  url: string;
  /** PUBLIC_URL, or `url` when unset. */
  publicUrl: string;
  port: number;
  store: Store;
  /** The mail server invitations go through; null without SMTP_URL. */
  mailer: Mailer | null;
  /** The admin account, made before the broker took its first request (a generated password is shown once). */
  admin: AdminSetup;
  /** Counters of what the live side dropped or refused (tests, diagnostics). */
  diagnostics: BrokerDiagnostics;
  /** This broker in its cluster (REDIS_URL); null for a broker alone. */
  cluster: Cluster | null;
  close(): Promise<void>;
}

export interface BrokerDiagnostics {
  events: EventsServer['stats'];
  signaling: PeerService['stats'];
  /** Customers and assistants whose presence grace clock runs now. */
  graceClocks(): number;
  /** Long polls of knocking customers parked on this broker now. */
  parkedPolls(): number;
  /** This broker in its cluster: what Redis brought and what was dropped (null for a broker alone). */
  cluster: Cluster | null;
}

export interface BrokerOptions {
  /** Clock for expiry and timestamps; tests move it forward instead of waiting. */
  now?: () => number;
  log?: Logger;
  /**
   * First start without ADMIN_NAME: asks for the admin's display name (the CLI asks on its terminal).
   * Called only when the admin is about to be created.
   */
  askAdminName?: () => Promise<string | undefined>;
  /** Where the built join page is; defaults to join-page/dist beside broker/. */
  joinPageDir?: string;
  /** How often overdue waits are swept; tests with a moved clock make it short. */
  waitSweepIntervalMs?: number;
  /** How often ended rep credentials are looked for (revoked by the CLI, expired); tests make it short. */
  credentialSweepIntervalMs?: number;
  /** The cap on scrypt work; tests pass their own to hold it full and watch it. */
  passwordWork?: ConcurrencyLimit;
  /** Where ended credentials are announced; tests pass their own to listen. */
  revocations?: Revocations;
  /** How dead events sockets are found; tests make it short. */
  eventsHeartbeat?: HeartbeatTiming;
  /** Overrides PRESENCE_GRACE_SECONDS; tests make it short. */
  presenceGraceMs?: number;
  /** With REDIS_URL: the cluster's clocks (lease, snapshots, peer registry); tests make them short. */
  clusterTiming?: ClusterTiming;
}

/**
 * Starts the broker: REST API, live events, PeerServer and the join page, on one HTTP server. Everything
 * a request may need (schema, admin account, token clocks) is ready before it listens.
 */
export async function createBroker(config: Config, options: BrokerOptions = {}): Promise<Broker> {
  const now = options.now ?? Date.now;
  const log = options.log ?? leveledLogger(consoleLogger, config.logLevel);
  // Redis first: a broker that cannot join its cluster does not start.
  const cluster = config.redisUrl ? await Cluster.join(config.redisUrl, log, options.clusterTiming) : null;
  let store: Store;
  let serverKey: Buffer;
  try {
    const ownKey = loadServerKey(config.dataDir);
    serverKey = cluster ? await cluster.serverKey(ownKey) : ownKey;
    store = await openStore(config);
  } catch (error) {
    await cluster?.close();
    throw error;
  }
  let admin: AdminSetup;
  try {
    admin = await ensureAdmin(store, {
      email: config.adminEmail,
      password: config.adminPassword,
      name: config.adminName,
      askName: options.askAdminName,
      siteMaxCustomers: config.maxCustomers,
    });
    // Tokens from before expiry existed get one idle period from now.
    await store.startRepTokenClocks(now(), now() + config.repTokenIdleMs);
  } catch (error) {
    await store.close();
    await cluster?.close();
    throw error;
  }
  // From here on every audited action is also a line of the log (the first admin is in the banner).
  loggingAudit(store, log);
  let publicUrl = config.publicUrl ?? '';
  const bus = EventBus.on(store, now, log);
  const waits = new WaitNotifier();
  // A decided knock or an ended session wakes the customers' long polls.
  bus.subscribe((event) => {
    if (event.type === 'knock-ended') waits.notify(event.waitId);
    else if (event.type === 'session-ended') waits.notifySession(event.sessionId);
  });
  const mailer = config.smtpUrl ? createMailer(config.smtpUrl, config.mailFrom) : null;
  const ctx: BrokerContext = {
    store,
    bus,
    log,
    now,
    serverKey,
    publicUrl: () => publicUrl,
    ice: { servers: config.iceServers, turn: config.turn, policy: config.iceTransportPolicy },
    inviteTtlMs: config.inviteTtlMs,
    orgName: config.orgName,
    mailer,
    knockTtlMs: config.knockTtlMs,
    maxFileMb: config.maxFileMb,
    waits,
    revocations: options.revocations ?? new Revocations(),
    limits: createRateLimits(config, now, options.passwordWork, cluster?.windows(now)),
    repTokens: { idleMs: config.repTokenIdleMs, maxMs: config.repTokenMaxMs },
    presence: new Presence(),
    reps: new RepChannel(),
    acd: { offerMs: config.transferOfferMs, queueWaitLimitMs: config.queueWaitLimitMs, changed: () => undefined },
    duty: cluster?.duty ?? ALONE,
  };

  const app = express();
  app.disable('x-powered-by');
  if (config.trustProxy.length > 0) app.set('trust proxy', config.trustProxy);
  const server = createServer(app);
  const events = createEventsServer(ctx, options.eventsHeartbeat ? { heartbeat: options.eventsHeartbeat } : {});
  const grace = new PresenceGrace(ctx, ctx.presence, options.presenceGraceMs ?? config.presenceGraceMs);
  const transfers = new TransferDispatcher(ctx);
  const peer = createPeerService(ctx, server, {
    concurrentLimit: config.peerConcurrentLimit,
    ...(cluster ? { remote: cluster.peers } : {}),
  });

  app.use(securityHeaders);
  app.use(cors(() => new URL(publicUrl).origin, config.allowedOrigins));
  app.use('/api', apiRouter(ctx));
  app.use(PEER_MOUNT, peer.app);
  app.use(joinPage(options.joinPageDir ?? JOIN_PAGE_DIST));
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  routeUpgrades(server, {
    [EVENTS_PATH]: (req, socket, head) => events.handleUpgrade(req, socket, head),
    [PEER_SOCKET_PATH]: (req, socket, head, url) => peer.handleUpgrade(req, socket, head, url),
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    grace.close();
    await transfers.close();
    events.close();
    peer.close();
    mailer?.close();
    await cluster?.close();
    await store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = resolvePublicUrl({ ...config, publicUrl: null }, port);
  publicUrl = resolvePublicUrl(config, port);

  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping || !ctx.duty.leads()) return;
    sweeping = true;
    expireOverdueWaits(ctx)
      .catch((error: unknown) => log.error('Sweeping overdue waits failed', error))
      .finally(() => (sweeping = false));
  }, options.waitSweepIntervalMs ?? WAIT_SWEEP_INTERVAL_MS);
  sweeper.unref();
  const stopCredentialSweep = startCredentialSweep(ctx, options.credentialSweepIntervalMs);
  // Nobody is online right after a start: everyone present has the grace period to come back.
  await grace.startForEveryonePresent();
  // Pending transfers carry on after a restart: offers that ran out meanwhile pass on, timers re-arm.
  transfers.changed();
  await cluster?.attach({
    bus,
    presence: ctx.presence,
    reps: ctx.reps,
    acdChanged: () => transfers.changed(),
    resync: () => {
      events.catchUp();
      transfers.changed();
    },
    // Taking over from a broker that died: its clocks died with it.
    lead: () => {
      void grace
        .startForEveryonePresent()
        .catch((error: unknown) => log.error('Starting the presence grace clocks failed', error));
      transfers.changed();
    },
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      clearInterval(sweeper);
      stopCredentialSweep();
      grace.close();
      waits.close();
      events.close();
      peer.close();
      mailer?.close();
      server.close(() => {
        // The store closes once the dispatcher's pass under way has finished with it, and the cluster is left.
        void transfers
          .close()
          .then(() => cluster?.close())
          .then(() => store.close())
          .catch((error: unknown) => log.error('Closing the store failed', error))
          .finally(resolve);
      });
      server.closeAllConnections();
    }));

  const diagnostics: BrokerDiagnostics = {
    events: events.stats,
    signaling: peer.stats,
    graceClocks: () => grace.running,
    parkedPolls: () => waits.size,
    cluster,
  };
  return { url, publicUrl, port, store, mailer, admin, diagnostics, cluster, close };
}
