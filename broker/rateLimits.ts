import type { Config } from './config';
import { ConcurrencyLimit } from './auth/concurrencyLimit';
import { LoginGuard } from './auth/loginGuard';
import { OncePerWindow, RateLimiter } from './auth/rateLimit';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Every abuse limit of the broker, made once from the configuration and shared by the routes that apply
 * them (docs/security.md, "Limits and accounts"). In memory, per broker process.
 */
export interface RateLimits {
  login: LoginGuard;
  /** scrypt work: sign-ins (and the decoy hash for unknown emails) wait here for a thread. */
  passwordWork: ConcurrencyLimit;
  assistByNumberPerRep: RateLimiter;
  assistByNumberPerAddress: RateLimiter;
  mailPerRep: RateLimiter;
  mailPerRecipient: RateLimiter;
  knocksPerAddress: RateLimiter;
  /** Knocks on one session a minute; over the limit its reps are warned, nobody is refused. */
  knocksPerSession: RateLimiter;
  /** The `many-knocks` warning: at most once a minute per session. */
  manyKnocksWarning: OncePerWindow;
  /** Refusals of callers without an account are audited once a minute per key, so a flood cannot fill the disk. */
  refusalAudit: OncePerWindow;
}

export function createRateLimits(config: Config, now: () => number, passwordWork?: ConcurrencyLimit): RateLimits {
  return {
    login: new LoginGuard(config.loginLimits, now),
    passwordWork: passwordWork ?? new ConcurrencyLimit(config.passwordHashConcurrency, config.passwordHashQueue),
    assistByNumberPerRep: new RateLimiter(config.assistByNumberPerRep, MINUTE, now),
    assistByNumberPerAddress: new RateLimiter(config.assistByNumberPerAddress, MINUTE, now),
    mailPerRep: new RateLimiter(config.mailPerRepPerHour, HOUR, now),
    mailPerRecipient: new RateLimiter(config.mailPerRecipientPerHour, HOUR, now),
    knocksPerAddress: new RateLimiter(config.joinByNumberLimit, MINUTE, now),
    knocksPerSession: new RateLimiter(config.joinByNumberPerNumberLimit, MINUTE, now),
    manyKnocksWarning: new OncePerWindow(MINUTE, now),
    refusalAudit: new OncePerWindow(MINUTE, now),
  };
}
