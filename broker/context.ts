import type { IceServer } from '../core/protocol';
import type { EventBus } from './events/bus';
import type { Logger } from './log';
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
  iceServers: IceServer[];
  inviteTtlMs: number;
}
