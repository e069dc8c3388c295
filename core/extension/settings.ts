import * as v from 'valibot';
import { Rep } from '../protocol';

/** The slice of `browser.storage.local` the settings need; the entrypoints pass the real one in. */
export interface KeyValueStorage {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
  /** Calls back with the keys that changed (in any extension page). Returns an unsubscribe. */
  onChanged(listener: (keys: string[]) => void): () => void;
}

export const DEFAULT_BROKER_URL = 'http://127.0.0.1:9000';

const Auth = v.object({ brokerUrl: v.string(), token: v.string(), rep: Rep });
export type Auth = v.InferOutput<typeof Auth>;

const KEYS = { brokerUrl: 'brokerUrl', auth: 'auth', liveSessions: 'liveSessions' } as const;

/** Normalizes a broker address typed by a person; undefined when it is not an http(s) URL. */
export function normalizeBrokerUrl(input: string): string | undefined {
  try {
    const url = new URL(input.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** Settings shared by the popup, options page, side panel and background, kept in extension storage. */
export function createSettings(storage: KeyValueStorage) {
  return {
    keys: KEYS,
    async brokerUrl(): Promise<string> {
      const value = await storage.get(KEYS.brokerUrl);
      return typeof value === 'string' ? value : DEFAULT_BROKER_URL;
    },
    setBrokerUrl: (url: string) => storage.set(KEYS.brokerUrl, url),
    async auth(): Promise<Auth | undefined> {
      const parsed = v.safeParse(Auth, await storage.get(KEYS.auth));
      return parsed.success ? parsed.output : undefined;
    },
    setAuth: (auth: Auth) => storage.set(KEYS.auth, auth),
    clearAuth: () => storage.remove(KEYS.auth),
    async liveSessions(): Promise<number> {
      const value = await storage.get(KEYS.liveSessions);
      return typeof value === 'number' ? value : 0;
    },
    setLiveSessions: (count: number) => storage.set(KEYS.liveSessions, count),
    onChanged: storage.onChanged,
  };
}

export type Settings = ReturnType<typeof createSettings>;
