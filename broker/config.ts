import { scryptCost } from './auth/passwords';
import { isIP } from 'node:net';
import * as v from 'valibot';
import { IceServer, IceTransportPolicy } from '../core/protocol';
import { DEFAULT_MAX_CUSTOMERS, MAX_CUSTOMERS_LIMIT } from './limits';
import { LOG_LEVELS, type LogLevel } from './log';

/** Broker settings, read once at start from the environment. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** DATABASE_URL (postgres://…): PostgreSQL holds the state, and several brokers may share it; null ⇒ SQLite in dataDir. */
  databaseUrl: string | null;
  /** Where people reach the broker (join links, CORS). null ⇒ derived from host and the bound port. */
  publicUrl: string | null;
  iceServers: IceServer[];
  /** TURN_URLS + TURN_SECRET: relays whose credentials the broker makes per participant (ice/iceConfig.ts). */
  turn: TurnConfig | null;
  /** ICE_TRANSPORT_POLICY: 'relay' makes every client use TURN only. */
  iceTransportPolicy: IceTransportPolicy;
  adminEmail: string;
  adminPassword: string | null;
  /** ADMIN_NAME: the first admin's display name, which customers see; null ⇒ asked at first start (or "Support"). */
  adminName: string | null;
  /** ORG_NAME: the support organisation's name, shown to customers on the join page; null ⇒ none shown. */
  orgName: string | null;
  /** LOG_LEVEL: error, warn or info (default): what is printed after the banner. */
  logLevel: LogLevel;
  inviteTtlMs: number;
  peerConcurrentLimit: number;
  /** Extra origins allowed by CORS, besides extensions and PUBLIC_URL's origin. */
  allowedOrigins: string[];
  /** Where the broker sends invitation email (smtp:// or smtps://); null ⇒ reps use their own mail program. */
  smtpUrl: string | null;
  /** The From header of invitation email. */
  mailFrom: string;
  /**
   * TRUST_PROXY: the reverse proxies in front (addresses, CIDR ranges, or loopback/linklocal/uniquelocal)
   * whose X-Forwarded-For names the client; empty ⇒ the socket's own address is the client's.
   */
  trustProxy: string[];
  /** REDIS_URL (redis:// or rediss://): brokers sharing it form a cluster (broker/cluster/); null ⇒ one broker alone. */
  redisUrl: string | null;
  /** How long a customer who joined by number may wait to be admitted. */
  knockTtlMs: number;
  /** Join-by-number attempts per client address per minute. */
  joinByNumberLimit: number;
  /** Knocks a minute on one session number before its reps are warned (`many-knocks`); nobody is refused for it. */
  joinByNumberPerNumberLimit: number;
  /** Site default of a rep's maxCustomers, for reps added without --max-customers (and the first admin). */
  maxCustomers: number;
  /** Failed sign-ins allowed before refusing (see auth/loginGuard.ts for the windows and why). */
  loginLimits: LoginLimits;
  /** scrypt hashes computed at once, and waiting, before sign-ins are refused with 429. */
  passwordHashConcurrency: number;
  passwordHashQueue: number;
  /** Assist-by-number attempts a minute per rep and per client address. */
  assistByNumberPerRep: number;
  assistByNumberPerAddress: number;
  /** Invitations the broker mails an hour per rep and per recipient address. */
  mailPerRepPerHour: number;
  mailPerRecipientPerHour: number;
  /** A rep token ends after this long unused, and this long after sign-in whatever happens. */
  repTokenIdleMs: number;
  repTokenMaxMs: number;
  /** How long a customer or assistant may stay offline before they are taken out of the session ('timeout'). */
  presenceGraceMs: number;
  /** WebACD: how long one agent has to answer an offer before it passes on (or counts as declined). */
  transferOfferMs: number;
  /** WebACD: how long a queued session waits for an agent before the customer is told nobody is free. */
  queueWaitLimitMs: number;
  /** MAX_FILE_MB: the largest file participants send each other (told to them in `self`). */
  maxFileMb: number;
}

/** coturn `use-auth-secret`: the shared secret signs credentials that end after ttlMs. */
export interface TurnConfig {
  urls: string[];
  secret: string;
  ttlMs: number;
}

/** Failed sign-ins, counted per window; see auth/loginGuard.ts. */
export interface LoginLimits {
  /** From one address on one account, a minute. */
  perAddressAndAccount: number;
  /** On one account from all addresses, 15 minutes (addresses the account signed in from have their own budget). */
  perAccount: number;
  /** From one address on all accounts (password spraying), 15 minutes. */
  perAddress: number;
  /** On the whole broker, a minute. */
  global: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** SCRYPT_N is read where passwords are hashed (the CLI hashes too); a bad value stops the broker at start. */
function checkScryptCost(env: Env): void {
  try {
    scryptCost(env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** Reads the broker's configuration; throws a ConfigError naming the variable for any bad value. */
export function loadConfig(env: Env = process.env): Config {
  checkScryptCost(env);
  return {
    port: integer(env, 'PORT', 9000, 0, 65535),
    host: text(env, 'HOST') ?? '127.0.0.1',
    dataDir: text(env, 'DATA_DIR') ?? './data',
    databaseUrl: databaseUrl(env),
    publicUrl: publicUrl(env),
    iceServers: iceServers(env),
    turn: turn(env),
    iceTransportPolicy: iceTransportPolicy(env),
    adminEmail: adminEmail(env),
    adminPassword: adminPassword(env),
    adminName: displayName(env, 'ADMIN_NAME'),
    orgName: displayName(env, 'ORG_NAME'),
    logLevel: logLevel(env),
    inviteTtlMs: positiveNumber(env, 'INVITE_TTL_HOURS', 24) * 3_600_000,
    peerConcurrentLimit: integer(env, 'PEER_CONCURRENT_LIMIT', 20_000, 1, 10_000_000),
    allowedOrigins: allowedOrigins(env),
    smtpUrl: smtpUrl(env),
    mailFrom: mailFrom(env),
    redisUrl: redisUrl(env),
    trustProxy: trustProxy(env),
    knockTtlMs: integer(env, 'KNOCK_TTL_SECONDS', 300, 1, 86_400) * 1000,
    joinByNumberLimit: integer(env, 'JOIN_BY_NUMBER_LIMIT', 10, 1, 1_000_000),
    joinByNumberPerNumberLimit: integer(env, 'JOIN_BY_NUMBER_PER_NUMBER_LIMIT', 10, 1, 1_000_000),
    maxCustomers: integer(env, 'MAX_CUSTOMERS', DEFAULT_MAX_CUSTOMERS, 1, MAX_CUSTOMERS_LIMIT),
    loginLimits: {
      perAddressAndAccount: integer(env, 'LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT', 10, 1, 1_000_000),
      perAccount: integer(env, 'LOGIN_FAILURES_PER_ACCOUNT', 20, 1, 1_000_000),
      perAddress: integer(env, 'LOGIN_FAILURES_PER_ADDRESS', 30, 1, 1_000_000),
      global: integer(env, 'LOGIN_FAILURES_PER_MINUTE', 100, 1, 1_000_000),
    },
    passwordHashConcurrency: integer(env, 'PASSWORD_HASH_CONCURRENCY', 2, 1, 64),
    passwordHashQueue: integer(env, 'PASSWORD_HASH_QUEUE', 32, 0, 10_000),
    assistByNumberPerRep: integer(env, 'ASSIST_BY_NUMBER_PER_REP', 10, 1, 1_000_000),
    assistByNumberPerAddress: integer(env, 'ASSIST_BY_NUMBER_PER_ADDRESS', 10, 1, 1_000_000),
    mailPerRepPerHour: integer(env, 'MAIL_PER_REP_PER_HOUR', 20, 1, 1_000_000),
    mailPerRecipientPerHour: integer(env, 'MAIL_PER_RECIPIENT_PER_HOUR', 3, 1, 1_000_000),
    ...repTokenLifetime(env),
    // At least 10 s: shorter would take people out over a dropped socket the client is about to reopen.
    presenceGraceMs: integer(env, 'PRESENCE_GRACE_SECONDS', 60, 10, 86_400) * 1000,
    transferOfferMs: integer(env, 'TRANSFER_OFFER_SECONDS', 30, 1, 86_400) * 1000,
    queueWaitLimitMs: integer(env, 'QUEUE_WAIT_LIMIT_SECONDS', 600, 1, 7 * 86_400) * 1000,
    maxFileMb: integer(env, 'MAX_FILE_MB', 2048, 1, 65_536),
  };
}

function repTokenLifetime(env: Env): Pick<Config, 'repTokenIdleMs' | 'repTokenMaxMs'> {
  const idleHours = positiveNumber(env, 'REP_TOKEN_IDLE_HOURS', 12);
  const maxHours = positiveNumber(env, 'REP_TOKEN_MAX_HOURS', 168);
  if (idleHours > maxHours) {
    throw new ConfigError(
      `REP_TOKEN_IDLE_HOURS (${idleHours}) must not be longer than REP_TOKEN_MAX_HOURS (${maxHours}): a sign-in never outlives the maximum`,
    );
  }
  return { repTokenIdleMs: idleHours * 3_600_000, repTokenMaxMs: maxHours * 3_600_000 };
}

/** The URL people use, once the real port is known (PORT=0 binds a free one). */
export function resolvePublicUrl(config: Config, boundPort: number): string {
  if (config.publicUrl) return config.publicUrl;
  // A wildcard bind address is not somewhere a browser can go; loopback is.
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return n;
}

function httpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL like https://support.example.com, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must start with http:// or https://, got "${raw}"`);
  }
  return url;
}

function publicUrl(env: Env): string | null {
  const raw = text(env, 'PUBLIC_URL');
  if (raw === undefined) return null;
  const url = httpUrl('PUBLIC_URL', raw);
  if (url.search || url.hash) throw new ConfigError('PUBLIC_URL must not have a query or fragment');
  // Kept without a trailing slash so paths can be appended as `${publicUrl}/join`.
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function iceServers(env: Env): IceServer[] {
  const raw = text(env, 'ICE_SERVERS');
  if (raw === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError('ICE_SERVERS must be JSON, e.g. [{"urls":"stun:stun.example.com:3478"}]');
  }
  const result = v.safeParse(v.array(IceServer), json);
  if (!result.success) {
    const issue = result.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new ConfigError(`ICE_SERVERS is not a list of ICE servers${where ? ` (at ${where})` : ''}: ${issue.message}`);
  }
  return result.output;
}

const TurnUrl = v.pipe(v.string(), v.regex(/^turns?:[^\s,]+$/));

/**
 * TURN_URLS and TURN_SECRET come together: one without the other would hand out relays nobody can use
 * or sign credentials for no relay. The secret is never echoed in an error.
 */
function turn(env: Env): TurnConfig | null {
  const rawUrls = text(env, 'TURN_URLS');
  const secret = text(env, 'TURN_SECRET');
  if (rawUrls === undefined && secret === undefined) {
    if (text(env, 'TURN_TTL_SECONDS') !== undefined) throw new ConfigError('TURN_TTL_SECONDS needs TURN_URLS and TURN_SECRET');
    return null;
  }
  if (rawUrls === undefined)
    throw new ConfigError('TURN_SECRET is set but TURN_URLS is not: name the relay, e.g. TURN_URLS=turn:turn.example.com:3478');
  if (secret === undefined)
    throw new ConfigError("TURN_URLS is set but TURN_SECRET is not: set it to coturn's static-auth-secret");
  const urls = rawUrls
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const bad = urls.find((u) => !v.is(TurnUrl, u));
  if (bad !== undefined || urls.length === 0) {
    throw new ConfigError(
      `TURN_URLS must be comma-separated turn: or turns: URLs, e.g. turn:turn.example.com:3478?transport=udp, got "${bad ?? rawUrls}"`,
    );
  }
  // 12 h by default: a customer session rarely lasts that long, so most never renew, yet a leaked
  // credential is usable for half a day at most. At least 10 minutes: clients renew ahead of expiry.
  const ttlMs = integer(env, 'TURN_TTL_SECONDS', 43_200, 600, 604_800) * 1000;
  return { urls, secret, ttlMs };
}

function iceTransportPolicy(env: Env): IceTransportPolicy {
  const raw = text(env, 'ICE_TRANSPORT_POLICY') ?? 'all';
  if (!v.is(IceTransportPolicy, raw)) throw new ConfigError(`ICE_TRANSPORT_POLICY must be "all" or "relay", got "${raw}"`);
  return raw;
}

function adminEmail(env: Env): string {
  const raw = text(env, 'ADMIN_EMAIL') ?? 'admin@example.com';
  const result = v.safeParse(v.pipe(v.string(), v.email()), raw.toLowerCase());
  if (!result.success) throw new ConfigError(`ADMIN_EMAIL must be an email address, got "${raw}"`);
  return result.output;
}

function logLevel(env: Env): LogLevel {
  const raw = (text(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return raw as LogLevel;
}

/** A name people read (ADMIN_NAME, ORG_NAME): one line, at most 80 characters. */
function displayName(env: Env, name: string): string | null {
  const raw = text(env, name);
  if (raw === undefined) return null;
  // Control characters (a newline among them) would break the banner and the page's one line.
  const control = [...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (raw.length > 80 || control) {
    throw new ConfigError(`${name} must be one line of at most 80 characters`);
  }
  return raw;
}

function adminPassword(env: Env): string | null {
  const raw = env.ADMIN_PASSWORD;
  if (raw === undefined || raw === '') return null;
  if (raw.length < 8) throw new ConfigError('ADMIN_PASSWORD must have at least 8 characters');
  return raw;
}

function allowedOrigins(env: Env): string[] {
  const raw = text(env, 'ALLOWED_ORIGINS');
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      // Origins are compared as strings, so only scheme://host[:port] makes sense (no path, no slash).
      const normalized = origin.replace(/\/+$/, '').toLowerCase();
      if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s?#]+$/.test(normalized)) {
        throw new ConfigError(`ALLOWED_ORIGINS entries must look like https://host[:port], got "${origin}"`);
      }
      return normalized;
    });
}

function smtpUrl(env: Env): string | null {
  return serverUrl(env, 'SMTP_URL', ['smtp', 'smtps'], {
    example: 'smtp://user:password@mail.example.com:587',
    server: 'the mail server, e.g. smtp://mail.example.com:587',
  });
}

/** PostgreSQL's connection URL (a socket directory may stand in for the host: postgres:///db?host=/run/postgresql). */
function databaseUrl(env: Env): string | null {
  return serverUrl(env, 'DATABASE_URL', ['postgres', 'postgresql'], {
    example: 'postgres://user:password@db.example.com:5432/remote_support',
  });
}

/**
 * A URL of a server the broker talks to, with one of `schemes`; it may hold a password, so errors never
 * repeat it. `server` says how to name the host when it must have one.
 */
function serverUrl(
  env: Env,
  name: string,
  schemes: [string, string],
  words: { example: string; server?: string },
): string | null {
  const raw = text(env, name);
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL like ${words.example}`);
  }
  if (!schemes.includes(url.protocol.slice(0, -1))) {
    throw new ConfigError(`${name} must start with ${schemes.map((s) => `${s}://`).join(' or ')}, got "${url.protocol}//…"`);
  }
  if (words.server && !url.hostname) throw new ConfigError(`${name} must name ${words.server}`);
  return raw;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxy(env: Env): string[] {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === undefined) return [];
  return raw.split(',').map((entry) => {
    const value = entry.trim();
    const [address, bits, ...rest] = value.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 4 ? 32 : 128;
    const cidrOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (PROXY_NAMES.has(value) || (family !== 0 && cidrOk && rest.length === 0)) return value;
    throw new ConfigError(`TRUST_PROXY entries must be addresses, CIDR ranges or loopback/linklocal/uniquelocal, got "${value}"`);
  });
}

function redisUrl(env: Env): string | null {
  return serverUrl(env, 'REDIS_URL', ['redis', 'rediss'], {
    example: 'redis://:password@redis.example.com:6379',
    server: 'the Redis server, e.g. redis://127.0.0.1:6379',
  });
}

function mailFrom(env: Env): string {
  const raw = text(env, 'MAIL_FROM');
  if (raw === undefined) return 'Remote Support <support@localhost>';
  // "Name <address>" or a bare address; line breaks would let a value add headers.
  const address = /<([^<>\s]+)>\s*$/.exec(raw)?.[1] ?? raw;
  if (/[\r\n]/.test(raw) || !v.is(v.pipe(v.string(), v.email()), address)) {
    throw new ConfigError(
      `MAIL_FROM must be an email address, optionally with a name: Support <support@example.com>, got "${raw}"`,
    );
  }
  return raw;
}
