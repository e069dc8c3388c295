import type { Config } from './config';
import { ConcurrencyLimit } from './auth/concurrencyLimit';
import { LoginGuard } from './auth/loginGuard';
import { Limit, MemoryWindows, OnceAWindow, type WindowCounter } from './auth/limit';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Every abuse limit of the broker, made once from the configuration and shared by the routes that apply
 * them (docs/security.md, "Limits and accounts"). Counted in memory for a broker alone, in Redis for
 * several (REDIS_URL: cluster/redisWindows.ts), so every limit holds across brokers.
 */
export interface RateLimits {
  login: LoginGuard;
  /** scrypt work: sign-ins (and the decoy hash for unknown emails) wait here for a thread. */
  passwordWork: ConcurrencyLimit;
  assistByNumberPerRep: Limit;
  assistByNumberPerAddress: Limit;
  mailPerRep: Limit;
  mailPerRecipient: Limit;
  knocksPerAddress: Limit;
  /** Knocks on one session a minute; over the limit its reps are warned, nobody is refused. */
  knocksPerSession: Limit;
  /** The `many-knocks` warning: at most once a minute per session. */
  manyKnocksWarning: OnceAWindow;
  /** Refusals of callers without an account are audited once a minute per key, so a flood cannot fill the disk. */
  refusalAudit: OnceAWindow;
}

/** `counter`: where counts live (default: this process's memory, on the broker's clock). */
export function createRateLimits(
  config: Config,
  now: () => number,
  passwordWork?: ConcurrencyLimit,
  counter: WindowCounter = new MemoryWindows(now),
): RateLimits {
  const limit = (name: string, max: number, windowMs: number) => new Limit(name, max, windowMs, counter);
  return {
    login: new LoginGuard(config.loginLimits, counter, now),
    // Work on this broker's CPU: a per-process cap by nature.
    passwordWork: passwordWork ?? new ConcurrencyLimit(config.passwordHashConcurrency, config.passwordHashQueue),
    assistByNumberPerRep: limit('assist-rep', config.assistByNumberPerRep, MINUTE),
    assistByNumberPerAddress: limit('assist-address', config.assistByNumberPerAddress, MINUTE),
    mailPerRep: limit('mail-rep', config.mailPerRepPerHour, HOUR),
    mailPerRecipient: limit('mail-recipient', config.mailPerRecipientPerHour, HOUR),
    knocksPerAddress: limit('knock-address', config.joinByNumberLimit, MINUTE),
    knocksPerSession: limit('knock-session', config.joinByNumberPerNumberLimit, MINUTE),
    manyKnocksWarning: new OnceAWindow('many-knocks-warning', MINUTE, counter),
    refusalAudit: new OnceAWindow('refusal-audit', MINUTE, counter),
  };
}
