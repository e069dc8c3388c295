import * as v from 'valibot';
import { OpaqueId, Rep, Role } from '../protocol';

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

/**
 * A colleague's invitation (from an /assist link) or a session number (from the popup) waiting for the
 * side panel to join it as assistant: the panel opens in the click's gesture, then takes it from here.
 */
const PendingAssist = v.union([
  v.object({ kind: v.literal('invite'), invite: v.pipe(v.string(), v.maxLength(128)) }),
  v.object({ kind: v.literal('number'), number: v.pipe(v.string(), v.maxLength(20)) }),
]);
export type PendingAssist = v.InferOutput<typeof PendingAssist>;

/** The session the side panel shows, for the popup's "Invite a colleague". */
const CurrentSession = v.object({ id: OpaqueId, number: v.string(), role: Role });
export type CurrentSession = v.InferOutput<typeof CurrentSession>;

const KEYS = {
  brokerUrl: 'brokerUrl',
  auth: 'auth',
  liveSessions: 'liveSessions',
  pendingAssist: 'pendingAssist',
  currentSession: 'currentSession',
  inviteWithMailProgram: 'inviteWithMailProgram',
  emailOnStart: 'emailOnStart',
  takenSession: 'takenSession',
} as const;

const parsed = async <S extends v.GenericSchema>(schema: S, value: Promise<unknown>) => {
  const result = v.safeParse(schema, await value);
  return result.success ? (result.output as v.InferOutput<S>) : undefined;
};

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
    auth: () => parsed(Auth, storage.get(KEYS.auth)),
    /** Is `origin` the broker this extension is set up for (signed in to, or else last entered)? */
    async isOwnBroker(origin: string): Promise<boolean> {
      const configured = (await this.auth())?.brokerUrl ?? (await this.brokerUrl());
      return normalizeBrokerUrl(configured) === origin;
    },
    setAuth: (auth: Auth) => storage.set(KEYS.auth, auth),
    clearAuth: () => storage.remove(KEYS.auth),
    async liveSessions(): Promise<number> {
      const value = await storage.get(KEYS.liveSessions);
      return typeof value === 'number' ? value : 0;
    },
    setLiveSessions: (count: number) => storage.set(KEYS.liveSessions, count),
    pendingAssist: () => parsed(PendingAssist, storage.get(KEYS.pendingAssist)),
    setPendingAssist: (pending: PendingAssist) => storage.set(KEYS.pendingAssist, pending),
    clearPendingAssist: () => storage.remove(KEYS.pendingAssist),
    currentSession: () => parsed(CurrentSession, storage.get(KEYS.currentSession)),
    setCurrentSession: (current: CurrentSession | undefined) =>
      current ? storage.set(KEYS.currentSession, current) : storage.remove(KEYS.currentSession),
    /** The invite dialog's "Send with my email program": on unless the rep turned it off. */
    inviteWithMailProgram: async () => (await storage.get(KEYS.inviteWithMailProgram)) !== false,
    setInviteWithMailProgram: (on: boolean) => storage.set(KEYS.inviteWithMailProgram, on),
    /** "Email" beside Start session: open the customer invitation as soon as the session starts. */
    emailOnStart: async () => (await storage.get(KEYS.emailOnStart)) === true,
    setEmailOnStart: (on: boolean) => storage.set(KEYS.emailOnStart, on),
    /** A session the background took for the rep (an offer accepted from a notification): the panel opens it. */
    takenSession: () => parsed(OpaqueId, storage.get(KEYS.takenSession)),
    setTakenSession: (sessionId: string) => storage.set(KEYS.takenSession, sessionId),
    clearTakenSession: () => storage.remove(KEYS.takenSession),
    onChanged: storage.onChanged,
  };
}

export type Settings = ReturnType<typeof createSettings>;
