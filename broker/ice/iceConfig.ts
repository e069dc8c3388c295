import type { IceConfig, IceServer, IceTransportPolicy } from '../../core/protocol';
import type { TurnConfig } from '../config';
import { turnCredential } from './turnCredentials';

/** ICE settings from the environment (config.ts validates them). */
export interface IceSettings {
  /** ICE_SERVERS: handed out as they are (STUN, or TURN with fixed credentials). */
  servers: IceServer[];
  /** TURN_URLS + TURN_SECRET: relays that get per-participant, expiring credentials. */
  turn: TurnConfig | null;
  policy: IceTransportPolicy;
}

/** What one participant's browser should use now; TURN credentials expire `ttlMs` from `now`. */
export function iceConfigFor(settings: IceSettings, participantId: string, now: number): IceConfig {
  if (!settings.turn) return { iceServers: settings.servers, iceTransportPolicy: settings.policy, expiresAt: null };
  const { urls, secret, ttlMs } = settings.turn;
  // Whole seconds, rounded down, so the expiry coturn checks is never later than the one we announce.
  const expiresAtSeconds = Math.floor((now + ttlMs) / 1000);
  return {
    iceServers: [...settings.servers, { urls, ...turnCredential(secret, participantId, expiresAtSeconds) }],
    iceTransportPolicy: settings.policy,
    expiresAt: expiresAtSeconds * 1000,
  };
}
