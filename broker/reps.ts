import { randomInt } from 'node:crypto';
import * as v from 'valibot';
import { DisplayName, RepMode } from '../core/protocol';
import { hashPassword } from './auth/passwords';
import { newId } from './auth/tokens';
import type { RepRow, Store } from './store';

export const MIN_PASSWORD_LENGTH = 8;

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
  maxCustomers: v.optional(
    v.pipe(v.number(), v.integer('max customers must be a whole number'), v.minValue(1), v.maxValue(100)),
    5,
  ),
  mode: v.optional(RepMode, 'single'),
});
export type NewRep = v.InferInput<typeof NewRep>;

/** Adds a rep account (admin CLI, first start, tests). Throws DuplicateEmailError or a valibot error. */
export async function createRep(store: Store, input: NewRep, now = Date.now()): Promise<RepRow> {
  const rep = v.parse(NewRep, input);
  const row: RepRow = {
    id: newId(),
    email: rep.email,
    name: rep.name,
    passwordHash: await hashPassword(rep.password),
    isAdmin: rep.isAdmin,
    isAgent: rep.isAgent,
    maxCustomers: rep.maxCustomers,
    mode: rep.mode,
    createdAt: now,
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
export async function ensureAdmin(store: Store, email: string, password: string | null): Promise<AdminSetup> {
  if (store.hasAdmin()) return { created: false, email };
  if (store.findRepByEmail(email)) {
    throw new Error(`No admin exists, and ${email} is already a rep without admin rights; set ADMIN_EMAIL to a new address`);
  }
  const chosen = password ?? generatePassword();
  await createRep(store, { email, name: 'Administrator', password: chosen, isAdmin: true });
  return { created: true, email, password: chosen, generated: password === null };
}
