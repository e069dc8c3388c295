import type { LoginLimits } from '../config';
import { Limit, type WindowCounter } from './limit';

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
 * The counts live where the broker's counter keeps them (in Redis with several brokers, so they hold
 * across brokers); the known addresses in this process: with several brokers an address is known to the
 * broker the rep signed in through (another treats it as a stranger's until the rep signs in there).
 * A restart forgets the known addresses (and, for a broker alone, the counts).
 */
export class LoginGuard {
  private readonly pair: Limit;
  private readonly account: Limit;
  private readonly address: Limit;
  private readonly global: Limit;
  /** account → (address → last sign-in), newest last. */
  private readonly known = new Map<string, Map<string, number>>();

  constructor(
    limits: LoginLimits,
    counter: WindowCounter,
    private readonly now: () => number = Date.now,
  ) {
    this.pair = new Limit('login-pair', limits.perAddressAndAccount, MINUTE, counter);
    this.account = new Limit('login-account', limits.perAccount, 15 * MINUTE, counter);
    this.address = new Limit('login-address', limits.perAddress, 15 * MINUTE, counter);
    this.global = new Limit('login-global', limits.global, MINUTE, counter);
  }

  /** Refuses before the password is checked (and before any scrypt work); counts nothing. */
  async check(address: string, account: string): Promise<LoginRefusal | undefined> {
    const counts = this.countsFor(address, account);
    const waits = await Promise.all(counts.map(([, limiter, key]) => limiter.retryAfter(key)));
    const index = waits.findIndex((wait) => wait > 0);
    if (index < 0) return undefined;
    const [limit, , key] = counts[index]!;
    return { limit, key, retryAfterSeconds: waits[index]! };
  }

  /** A wrong password or an unknown email. */
  async failed(address: string, account: string): Promise<void> {
    await Promise.all(this.countsFor(address, account).map(([, limiter, key]) => limiter.count(key)));
  }

  /** The password was right: this address is known to the account from now on. */
  async succeeded(address: string, account: string): Promise<void> {
    await this.pair.reset(pairKey(address, account));
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

  private countsFor(address: string, account: string): [LoginLimitName, Limit, string][] {
    const pair: [LoginLimitName, Limit, string] = ['address-and-account', this.pair, pairKey(address, account)];
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
