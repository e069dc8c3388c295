import { randomInt } from 'node:crypto';
import * as v from 'valibot';
import { DisplayName, RepMode } from '../core/protocol';
import { hashPassword } from './auth/passwords';
import { newId } from './auth/tokens';
import { DuplicateEmailError, type RepChanges, type RepRow, type Store } from './store';
import { DEFAULT_MAX_CUSTOMERS, MAX_CUSTOMERS_LIMIT } from './limits';

export const MIN_PASSWORD_LENGTH = 8;

export const MaxCustomers = v.pipe(
  v.number(),
  v.integer('max customers must be a whole number'),
  v.minValue(1, 'max customers must be at least 1'),
  v.maxValue(MAX_CUSTOMERS_LIMIT, `max customers must be at most ${MAX_CUSTOMERS_LIMIT}`),
);

export const NewRep = v.object({
  email: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.email('Please enter a valid email address'), v.maxLength(254)),
  name: DisplayName,
  password: v.pipe(
    v.string(),
    v.minLength(MIN_PASSWORD_LENGTH, `A password has at least ${MIN_PASSWORD_LENGTH} characters`),
    v.maxLength(256, 'A password has at most 256 characters'),
  ),
  isAdmin: v.optional(v.boolean(), false),
  isAgent: v.optional(v.boolean(), false),
  /** Absent: the site default (MAX_CUSTOMERS). */
  maxCustomers: v.optional(MaxCustomers),
  mode: v.optional(RepMode, 'single'),
});
export type NewRep = v.InferInput<typeof NewRep>;

/**
 * Adds a rep account (admin CLI, first start, tests). Throws DuplicateEmailError or a valibot error.
 * `siteMaxCustomers` (config MAX_CUSTOMERS) is the limit of a rep added without one.
 */
export async function createRep(
  store: Store,
  input: NewRep,
  now = Date.now(),
  siteMaxCustomers = DEFAULT_MAX_CUSTOMERS,
): Promise<RepRow> {
  const rep = v.parse(NewRep, input);
  const row: RepRow = {
    id: newId(),
    email: rep.email,
    name: rep.name,
    passwordHash: await hashPassword(rep.password),
    isAdmin: rep.isAdmin,
    isAgent: rep.isAgent,
    maxCustomers: rep.maxCustomers ?? siteMaxCustomers,
    mode: rep.mode,
    maxSessions: null,
    createdAt: now,
    disabledAt: null,
  };
  await store.transaction(async (tx) => {
    await tx.insertRep(row);
    await tx.audit({
      at: now,
      actor: 'cli',
      action: 'rep-create',
      sessionId: null,
      detail: { repId: row.id, isAdmin: row.isAdmin },
    });
  });
  return row;
}

/** What an admin may change on an existing rep (`set-rep`). */
export const RepUpdate = v.object({
  name: v.optional(DisplayName),
  maxCustomers: v.optional(MaxCustomers),
  mode: v.optional(RepMode),
  isAgent: v.optional(v.boolean()),
  /** null: as the mode has it. */
  maxSessions: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)))),
});
export type RepUpdate = v.InferInput<typeof RepUpdate>;

export class UnknownRepError extends Error {
  override name = 'UnknownRepError';
  constructor(email: string) {
    super(`There is no rep with the email ${email}`);
  }
}

/**
 * Changes an existing rep (admin CLI `set-rep`). Takes effect at the rep's next start or admission:
 * limits are read when they apply. Returns the rep before and after; throws UnknownRepError or a
 * valibot error.
 */
export async function updateRep(
  store: Store,
  email: string,
  input: RepUpdate,
  now = Date.now(),
): Promise<{ before: RepRow; after: RepRow; changes: RepChanges }> {
  const changes: RepChanges = v.parse(RepUpdate, input);
  for (const key of Object.keys(changes) as (keyof RepChanges)[]) if (changes[key] === undefined) delete changes[key];
  if (Object.keys(changes).length === 0) throw new Error('Nothing to change');
  const address = normalizeEmail(email);
  return store.transaction(async (tx) => {
    const before = await tx.findRepByEmail(address);
    if (!before) throw new UnknownRepError(address);
    await tx.updateRep(before.id, changes);
    await tx.audit({ at: now, actor: 'cli', action: 'rep-update', sessionId: null, detail: { repId: before.id, ...changes } });
    return { before, after: (await tx.findRepByEmail(address))!, changes };
  });
}

/** What an admin command did to a rep's sign-ins. */
export interface AccountChange {
  rep: RepRow;
  /** Sign-ins (rep tokens) that stopped working now. */
  signedOut: number;
  /** False when the rep already was as asked (disable a disabled rep, enable an enabled one). */
  changed: boolean;
}

/**
 * The admin CLI's account commands (`disable-rep`, `enable-rep`, `reset-password`, `revoke-tokens`).
 * They run in another process than the broker: the broker's credential sweep notices the revoked tokens
 * and the disabled rep within seconds and closes what was opened with them. Each is audited.
 */
export function disableRep(store: Store, email: string, now = Date.now()): Promise<AccountChange> {
  return changeAccount(store, email, 'rep-disable', now, async (tx, rep) => {
    if (rep.disabledAt !== null) return false;
    await tx.setRepDisabled(rep.id, now);
    return true;
  });
}

export function enableRep(store: Store, email: string, now = Date.now()): Promise<AccountChange> {
  return changeAccount(store, email, 'rep-enable', now, async (tx, rep) => {
    if (rep.disabledAt === null) return false;
    await tx.setRepDisabled(rep.id, null);
    return true;
  });
}

/** Signs the rep out everywhere. */
export function revokeRepTokens(store: Store, email: string, now = Date.now()): Promise<AccountChange> {
  return changeAccount(store, email, 'rep-tokens-revoke', now, async () => true);
}

/** A new password (checked like add-rep's); the old one and every sign-in made with it stop working. */
export async function resetPassword(store: Store, email: string, password: string, now = Date.now()): Promise<AccountChange> {
  const checked = v.parse(NewRep.entries.password, password);
  if (!(await store.findRepByEmail(normalizeEmail(email)))) throw new UnknownRepError(normalizeEmail(email));
  const passwordHash = await hashPassword(checked);
  return changeAccount(store, email, 'rep-password-reset', now, async (tx, rep) => {
    await tx.setRepPasswordHash(rep.id, passwordHash);
    return true;
  });
}

/** Finds the rep, applies the change, revokes their sign-ins (enable excepted) and audits, in one transaction. */
function changeAccount(
  store: Store,
  email: string,
  action: string,
  now: number,
  change: (tx: Store, rep: RepRow) => Promise<boolean>,
): Promise<AccountChange> {
  const address = normalizeEmail(email);
  return store.transaction(async (tx) => {
    const rep = await tx.findRepByEmail(address);
    if (!rep) throw new UnknownRepError(address);
    const changed = await change(tx, rep);
    const signedOut = action === 'rep-enable' ? 0 : await tx.revokeRepTokensOfRep(rep.id, now);
    await tx.audit({ at: now, actor: 'cli', action, sessionId: null, detail: { repId: rep.id, changed, signedOut } });
    return { rep: (await tx.findRepById(rep.id))!, signedOut, changed };
  });
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** A random password people can type: no look-alike characters. */
export function generatePassword(length = 16): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** What customers read when nobody said the first admin's name (ADMIN_NAME, or the prompt at first start). */
export const FALLBACK_ADMIN_NAME = 'Support';

export interface FirstAdmin {
  email: string;
  password: string | null;
  /** ADMIN_NAME; null ⇒ asked (askName), else FALLBACK_ADMIN_NAME. */
  name: string | null;
  askName?: () => Promise<string | undefined>;
  siteMaxCustomers?: number;
}

export type AdminSetup =
  { created: false; email: string } | { created: true; email: string; password: string; generated: boolean };

/**
 * First start: make sure someone can sign in and add reps. Creates the admin only while no admin
 * exists; a generated password is returned so the caller can show it once.
 */
export async function ensureAdmin(store: Store, setup: FirstAdmin): Promise<AdminSetup> {
  const { email, password, siteMaxCustomers = DEFAULT_MAX_CUSTOMERS } = setup;
  if (await store.hasAdmin()) return { created: false, email };
  const existing = await store.findRepByEmail(email);
  // Another broker on the same database, starting at the same moment, made the admin since we looked.
  if (existing?.isAdmin) return { created: false, email };
  if (existing) {
    throw new Error(`No admin exists, and ${email} is already a rep without admin rights; set ADMIN_EMAIL to a new address`);
  }
  const chosen = password ?? generatePassword();
  // Customers see this name ("Sam invites you…"): never "Administrator".
  const name = setup.name ?? (await setup.askName?.())?.trim().slice(0, 80) ?? '';
  try {
    await createRep(
      store,
      { email, name: name || FALLBACK_ADMIN_NAME, password: chosen, isAdmin: true },
      Date.now(),
      siteMaxCustomers,
    );
  } catch (error) {
    // Another broker on the same database, starting at the same moment, made the admin first.
    if (error instanceof DuplicateEmailError && (await store.hasAdmin())) return { created: false, email };
    throw error;
  }
  return { created: true, email, password: chosen, generated: password === null };
}
