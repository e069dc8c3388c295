import type { IceSettings } from './ice/iceConfig';
import type { Revocations } from './auth/revocations';
import type { RepTokenLifetime } from './auth/repTokens';
import type { EventBus } from './events/bus';
import type { Presence } from './events/presence';
import type { RepChannel } from './events/repChannel';
import type { AcdSettings } from './acd/settings';
import type { ClusterDuty } from './cluster/duty';
import type { Logger } from './log';
import type { Mailer } from './mail/mailer';
import type { RateLimits } from './rateLimits';
import type { WaitNotifier } from './sessions/waitNotifier';
import type { Store } from './store';

/** What request handlers, the events socket and the PeerServer guard share. */
export interface BrokerContext {
  store: Store;
  bus: EventBus;
  log: Logger;
  now: () => number;
  /** HMAC key for secrets shown again later (auth/tokens.ts deriveToken). */
  serverKey: Buffer;
  /** Known once the server listens (PORT=0); read at request time. */
  publicUrl: () => string;
  /** STUN/TURN for participants' browsers; see ice/iceConfig.ts. */
  ice: IceSettings;
  inviteTtlMs: number;
  /** ORG_NAME: shown to customers (GET /api/capabilities); null when not set. */
  orgName: string | null;
  /** The broker's mail server (SMTP_URL); null when reps send invitations from their own mail program. */
  mailer: Mailer | null;
  /** How long a customer who knocked by number may wait. */
  knockTtlMs: number;
  /** MAX_FILE_MB, told to every participant in `self`. */
  maxFileMb: number;
  /** Wakes long-polling wait-status requests when a knock is decided. */
  waits: WaitNotifier;
  /** Tells open sockets that the credential they were opened with no longer works. */
  revocations: Revocations;
  /** Abuse limits: sign-in, scrypt work, assist by number, mail, knocks. */
  limits: RateLimits;
  /** How long a rep's sign-in lasts unused, and at most. */
  repTokens: RepTokenLifetime;
  /** Who the broker hears from right now (events sockets); GET /api/sessions/:id reads it. */
  presence: Presence;
  /** Reps with an events socket open, and pushing them messages of no session (WebACD). */
  reps: RepChannel;
  /** WebACD timing, and the nudge that makes the dispatcher look at transfers again. */
  acd: AcdSettings;
  /** Whether this broker runs the once-per-cluster duties now (always, for a broker alone). */
  duty: ClusterDuty;
}
