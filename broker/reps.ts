import { randomInt } from 'node:crypto';
import * as v from 'valibot';
import { DisplayName, RepMode } from '../core/protocol';
import { hashPassword } from './auth/passwords';
import { newId } from './auth/tokens';
import type { RepChanges, RepRow, Store } from './store';
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
    createdAt: now,
    disabledAt: null,
  };
  store.transaction(() => {
    store.insertRep(row);
    store.audit({
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
export function updateRep(
  store: Store,
  email: string,
  input: RepUpdate,
  now = Date.now(),
): { before: RepRow; after: RepRow; changes: RepChanges } {
  const changes: RepChanges = v.parse(RepUpdate, input);
  for (const key of Object.keys(changes) as (keyof RepChanges)[]) if (changes[key] === undefined) delete changes[key];
  if (Object.keys(changes).length === 0) throw new Error('Nothing to change');
  const address = email.trim().toLowerCase();
  return store.transaction(() => {
    const before = store.findRepByEmail(address);
    if (!before) throw new UnknownRepError(address);
    store.updateRep(before.id, changes);
    store.audit({ at: now, actor: 'cli', action: 'rep-update', sessionId: null, detail: { repId: before.id, ...changes } });
    return { before, after: store.findRepByEmail(address)!, changes };
  });
}

/** A random password people can type: no look-alike characters. */
export function generatePassword(length = 16): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

export type AdminSetup =
  { created: false; email: string } | { created: true; email: string; password: string; generated: boolean };

/**
 * First start: make sure someone can sign in and add reps. Creates the admin only while no admin
 * exists; a generated password is returned so the caller can show it once.
 */
export async function ensureAdmin(
  store: Store,
  email: string,
  password: string | null,
  siteMaxCustomers = DEFAULT_MAX_CUSTOMERS,
): Promise<AdminSetup> {
  if (store.hasAdmin()) return { created: false, email };
  if (store.findRepByEmail(email)) {
    throw new Error(`No admin exists, and ${email} is already a rep without admin rights; set ADMIN_EMAIL to a new address`);
  }
  const chosen = password ?? generatePassword();
  await createRep(store, { email, name: 'Administrator', password: chosen, isAdmin: true }, Date.now(), siteMaxCustomers);
  return { created: true, email, password: chosen, generated: password === null };
}
