import type { LoginLimits } from '../config';
import { RateLimiter } from './rateLimit';

/** Which count refused a sign-in (audit detail, tests). */
export type LoginLimitName = 'address-and-account' | 'account' | 'address' | 'global';

export interface LoginRefusal {
  limit: LoginLimitName;
  /** The count's key: what the refusal is about (audited, at most once a window). */
  key: string;
  retryAfterSeconds: number;
}

/** What the person is told, before "Try again in …". */
export const LOGIN_REFUSED: Record<LoginLimitName, string> = {
  'address-and-account': 'Too many failed sign-ins for this account from here.',
  account: 'Too many failed sign-ins for this account.',
  address: 'Too many failed sign-ins from your network.',
  global: 'Too many failed sign-ins on this server right now.',
};

const MINUTE = 60_000;
/** How long an address stays known to an account after a sign-in from it. */
const KNOWN_FOR_MS = 30 * 24 * 3_600_000;
/** Known addresses kept per account (the newest): a rep's office, home, phone… */
const KNOWN_PER_ACCOUNT = 8;

/**
 * Brute-force limits on sign-in. Only failures count (a wrong password, an unknown email): a rep who
 * signs in right is never slowed down by their own successes. Four counts, each a fixed window:
 *
 * - one address on one account (a minute): one guesser at one account;
 * - one account from everywhere (15 minutes): guessing one account from many addresses;
 * - one address on every account (15 minutes): one password sprayed over many accounts;
 * - the whole broker (a minute): a botnet doing both.
 *
 * A per-account limit lets a stranger lock the rep out by failing on purpose. So that this costs the rep
 * as little as possible, an address the account signed in from recently is "known" to it: failures from
 * known addresses have their own per-account budget, and known addresses skip the per-address and global
 * counts. Strangers exhausting the account's budget, their network's or the broker's then refuse only
 * strangers; the rep at their usual desk still gets in. The price: someone who shares the rep's address
 * (the same NAT, the same IPv6 /64) guesses against the known budget and can lock the rep out from there.
 * A success forgets only that address's failures on that account; it never resets the other counts, so
 * signing into one's own account does not buy more guesses at others.
 * In memory: a restart forgets the counts and the known addresses.
 */
export class LoginGuard {
  private readonly pair: RateLimiter;
  private readonly account: RateLimiter;
  private readonly address: RateLimiter;
  private readonly global: RateLimiter;
  /** account → (address → last sign-in), newest last. */
  private readonly known = new Map<string, Map<string, number>>();

  constructor(
    limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.pair = new RateLimiter(limits.perAddressAndAccount, MINUTE, now);
    this.account = new RateLimiter(limits.perAccount, 15 * MINUTE, now);
    this.address = new RateLimiter(limits.perAddress, 15 * MINUTE, now);
    this.global = new RateLimiter(limits.global, MINUTE, now);
  }

  /** Refuses before the password is checked (and before any scrypt work); counts nothing. */
  check(address: string, account: string): LoginRefusal | undefined {
    const counts = this.countsFor(address, account);
    for (const [limit, limiter, key] of counts) {
      const retryAfterSeconds = limiter.retryAfter(key);
      if (retryAfterSeconds > 0) return { limit, key, retryAfterSeconds };
    }
    return undefined;
  }

  /** A wrong password or an unknown email. */
  failed(address: string, account: string): void {
    for (const [, limiter, key] of this.countsFor(address, account)) limiter.count(key);
  }

  /** The password was right: this address is known to the account from now on. */
  succeeded(address: string, account: string): void {
    this.pair.reset(pairKey(address, account));
    const addresses = this.known.get(account) ?? new Map<string, number>();
    addresses.delete(address);
    addresses.set(address, this.now());
    while (addresses.size > KNOWN_PER_ACCOUNT) addresses.delete(addresses.keys().next().value!);
    this.known.set(account, addresses);
  }

  private isKnown(address: string, account: string): boolean {
    const since = this.known.get(account)?.get(address);
    return since !== undefined && this.now() - since < KNOWN_FOR_MS;
  }

  private countsFor(address: string, account: string): [LoginLimitName, RateLimiter, string][] {
    const pair: [LoginLimitName, RateLimiter, string] = ['address-and-account', this.pair, pairKey(address, account)];
    if (this.isKnown(address, account)) return [pair, ['account', this.account, `known|${account}`]];
    return [
      pair,
      ['account', this.account, `other|${account}`],
      ['address', this.address, address],
      ['global', this.global, 'global'],
    ];
  }
}

const pairKey = (address: string, account: string) => `${address}|${account}`;
