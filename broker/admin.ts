import { createInterface } from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as v from 'valibot';
import { ConfigError, loadConfig, type Config } from './config';
import {
  createRep,
  disableRep,
  enableRep,
  resetPassword,
  revokeRepTokens,
  UnknownRepError,
  updateRep,
  type AccountChange,
} from './reps';
import { MAX_CUSTOMERS_LIMIT } from './limits';
import { reportCsv } from './report';
import { QUEUE_COMMANDS, QUEUE_USAGE } from './adminQueues';
import { DuplicateEmailError, openStore, type Store } from './store';

export const USAGE = `Usage: tsx broker/cli.ts <command>

Commands:
  serve      Start the broker (creates the admin account on first run)
  add-rep    Add a rep; the password is read from the first line of stdin
               --email E --name N [--admin] [--acd] [--max-customers K] [--mode single|multi]
             e.g. echo 'a-long-password' | npm run admin -- add-rep --email ann@example.com --name Ann
             Without --max-customers the rep gets MAX_CUSTOMERS (default 5); without --mode, single.
  set-rep    Change an existing rep; give at least one of the options
               --email E [--max-customers K] [--mode single|multi] [--name N] [--acd | --no-acd]
               [--max-sessions N|auto]  (WebACD: live sessions at once; auto: 1 in single mode)
             e.g. npm run admin -- set-rep --email ann@example.com --max-customers 3 --mode multi
  disable-rep     --email E   No sign-in until enable-rep; signs the rep out everywhere
  enable-rep      --email E   Lets a disabled rep sign in again
  reset-password  --email E   New password from the first line of stdin; signs the rep out everywhere
             e.g. echo 'a-new-long-password' | npm run admin -- reset-password --email ann@example.com
  revoke-tokens   --email E   Signs the rep out everywhere (a lost laptop); the password stays
             A running broker closes the rep's open connections within seconds.
  report     --since D   Sessions started since D (e.g. 2026-01-31) as CSV: durations, ratings, notes
             e.g. npm run admin -- report --since 2026-01-01 > sessions.csv
${QUEUE_USAGE}

Configuration comes from the environment: PORT, HOST, DATA_DIR, PUBLIC_URL, ICE_SERVERS,
ADMIN_EMAIL, ADMIN_PASSWORD, INVITE_TTL_HOURS, PEER_CONCURRENT_LIMIT, ALLOWED_ORIGINS, SMTP_URL,
MAIL_FROM, KNOCK_TTL_SECONDS, JOIN_BY_NUMBER_LIMIT, JOIN_BY_NUMBER_PER_NUMBER_LIMIT, MAX_CUSTOMERS,
REP_TOKEN_IDLE_HOURS, REP_TOKEN_MAX_HOURS, LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT,
LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS, LOGIN_FAILURES_PER_MINUTE,
PASSWORD_HASH_CONCURRENCY, PASSWORD_HASH_QUEUE, TRANSFER_OFFER_SECONDS, QUEUE_WAIT_LIMIT_SECONDS, ASSIST_BY_NUMBER_PER_REP, ASSIST_BY_NUMBER_PER_ADDRESS,
MAIL_PER_REP_PER_HOUR, MAIL_PER_RECIPIENT_PER_HOUR, PRESENCE_GRACE_SECONDS, TURN_URLS, TURN_SECRET,
TURN_TTL_SECONDS, ICE_TRANSPORT_POLICY, SCRYPT_N, ORG_NAME, ADMIN_NAME, LOG_LEVEL (see README, Configuration).`;

/**
 * Where an admin command reads and writes: the process's own streams from the CLI, strings in tests (which
 * run the commands in-process, in milliseconds instead of a Node start each).
 */
export interface AdminIo {
  env: Record<string, string | undefined>;
  /** The password's source: the first line of it. */
  stdin: NodeJS.ReadableStream;
  /** A terminal: the password is prompted for. */
  interactive?: boolean;
  out(line: string): void;
  err(line: string): void;
}

/** A failure the user can fix: printed without a stack trace. */
export class UsageError extends Error {}

/** The options add-rep and set-rep share. */
const REP_OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  'max-customers': { type: 'string' },
  mode: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** Parses a command's options; anything unknown or malformed is a usage error that shows the usage. */
function options<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], spec: O) {
  try {
    return parseArgs({ args, strict: true, options: spec }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

async function addRep(io: AdminIo, args: string[]): Promise<void> {
  const values = options(args, {
    ...REP_OPTIONS,
    admin: { type: 'boolean', default: false },
    acd: { type: 'boolean', default: false },
  });
  const { email, name } = values;
  if (!email || !name) throw new UsageError(`add-rep needs --email and --name\n\n${USAGE}`);
  const maxCustomers = maxCustomersOption(values['max-customers']);
  const mode = modeOption(values.mode);

  const password = await readFirstLine(io);
  await withStore(io, async (store, config) => {
    const rep = await createRep(
      store,
      {
        email,
        name,
        password,
        isAdmin: values.admin,
        isAgent: values.acd,
        ...(maxCustomers === undefined ? {} : { maxCustomers }),
        ...(mode === undefined ? {} : { mode }),
      },
      Date.now(),
      config.maxCustomers,
    );
    const flags = [rep.isAdmin && 'admin', rep.isAgent && 'WebACD agent'].filter(Boolean).join(', ');
    io.out(
      `Added rep ${rep.email} (${rep.name})${flags ? `, ${flags}` : ''}, up to ${rep.maxCustomers} customers, ${rep.mode}-session mode`,
    );
  });
}

async function setRep(io: AdminIo, args: string[]): Promise<void> {
  const values = options(args, {
    ...REP_OPTIONS,
    acd: { type: 'boolean' },
    'no-acd': { type: 'boolean' },
    'max-sessions': { type: 'string' },
  });
  const { email } = values;
  if (!email) throw new UsageError(`set-rep needs --email\n\n${USAGE}`);
  const maxCustomers = maxCustomersOption(values['max-customers']);
  const mode = modeOption(values.mode);
  if (values.acd && values['no-acd']) throw new UsageError('Give --acd or --no-acd, not both');
  const isAgent = values.acd ? true : values['no-acd'] ? false : undefined;
  const maxSessions = maxSessionsOption(values['max-sessions']);
  if ([maxCustomers, mode, values.name, isAgent, maxSessions].every((value) => value === undefined)) {
    throw new UsageError('Nothing to change: give --max-customers, --mode, --name, --acd/--no-acd or --max-sessions');
  }

  await withStore(io, async (store) => {
    const { before, after, changes } = await updateRep(store, email, {
      ...(maxCustomers === undefined ? {} : { maxCustomers }),
      ...(mode === undefined ? {} : { mode }),
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(isAgent === undefined ? {} : { isAgent }),
      ...(maxSessions === undefined ? {} : { maxSessions }),
    });
    const said: string[] = [];
    if (changes.name !== undefined) said.push(`name ${before.name} → ${after.name}`);
    if (changes.maxCustomers !== undefined) said.push(`max customers ${before.maxCustomers} → ${after.maxCustomers}`);
    if (changes.mode !== undefined) said.push(`mode ${before.mode} → ${after.mode}`);
    if (changes.isAgent !== undefined) said.push(after.isAgent ? 'now a WebACD agent' : 'no longer a WebACD agent');
    if (changes.maxSessions !== undefined) said.push(`max sessions ${after.maxSessions ?? 'auto'}`);
    io.out(`Updated rep ${after.email}: ${said.join(', ')}`);
  });
}

/** `report --since D`: sessions started since D as CSV on stdout (durations, ratings, notes). */
async function report(io: AdminIo, args: string[]): Promise<void> {
  const { since } = options(args, { since: { type: 'string' } });
  const from = since === undefined ? Number.NaN : Date.parse(since);
  if (!since || Number.isNaN(from)) throw new UsageError(`report needs --since with a date such as 2026-01-31\n\n${USAGE}`);
  await withStore(io, async (store) => {
    for (const line of reportCsv(await store.listReport(from))
      .trimEnd()
      .split('\n'))
      io.out(line);
  });
}

/** disable-rep, enable-rep, reset-password, revoke-tokens: one rep by email, one line saying what happened. */
async function accountCommand(
  io: AdminIo,
  command: string,
  args: string[],
  run: (store: Store, email: string) => AccountChange | Promise<AccountChange>,
  say: (change: AccountChange) => string,
): Promise<void> {
  const { email } = options(args, { email: { type: 'string' } });
  if (!email) throw new UsageError(`${command} needs --email\n\n${USAGE}`);
  await withStore(io, async (store) => io.out(say(await run(store, email))));
}

/** Runs fn on DATA_DIR's store; what the admin can fix (unknown rep, bad value, taken email) is a UsageError. */
async function withStore(io: AdminIo, fn: (store: Store, config: Config) => void | Promise<void>): Promise<void> {
  const config = loadConfig(io.env);
  const store = await openStore(config);
  try {
    await fn(store, config);
  } catch (error) {
    if (error instanceof DuplicateEmailError || error instanceof UnknownRepError) throw new UsageError(error.message);
    if (error instanceof v.ValiError) throw new UsageError(error.issues[0]?.message ?? 'Invalid value');
    throw error;
  } finally {
    await store.close();
  }
}

const ended = (n: number) => (n === 0 ? 'no sign-in was active' : `${n} sign-in${n === 1 ? '' : 's'} ended`);
const ACCOUNT_COMMANDS: Record<string, (io: AdminIo, args: string[]) => Promise<void>> = {
  'disable-rep': (io, args) =>
    accountCommand(io, 'disable-rep', args, disableRep, ({ rep, changed, signedOut }) =>
      changed
        ? `Disabled rep ${rep.email} (${rep.name}): no sign-in until enable-rep; ${ended(signedOut)}`
        : `Rep ${rep.email} was already disabled; ${ended(signedOut)}`,
    ),
  'enable-rep': (io, args) =>
    accountCommand(io, 'enable-rep', args, enableRep, ({ rep, changed }) =>
      changed
        ? `Enabled rep ${rep.email} (${rep.name}): they can sign in again`
        : `Rep ${rep.email} was not disabled; nothing changed`,
    ),
  'reset-password': async (io, args) => {
    // Options first, so a typo is reported before anyone types a password.
    if (!options(args, { email: { type: 'string' } }).email) throw new UsageError(`reset-password needs --email\n\n${USAGE}`);
    const password = await readFirstLine(io);
    return accountCommand(
      io,
      'reset-password',
      args,
      (store, email) => resetPassword(store, email, password),
      ({ rep, signedOut }) => `New password set for ${rep.email}; ${ended(signedOut)} (they sign in again with the new password)`,
    );
  },
  'revoke-tokens': (io, args) =>
    accountCommand(
      io,
      'revoke-tokens',
      args,
      revokeRepTokens,
      ({ rep, signedOut }) => `Signed out ${rep.email} everywhere: ${ended(signedOut)}`,
    ),
};

function maxCustomersOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_CUSTOMERS_LIMIT) {
    throw new UsageError(`--max-customers must be a whole number from 1 to ${MAX_CUSTOMERS_LIMIT}, got "${raw}"`);
  }
  return n;
}

function maxSessionsOption(raw: string | undefined): number | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'auto') return null;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 100)
    throw new UsageError(`--max-sessions must be a whole number from 1 to 100 or auto, got "${raw}"`);
  return n;
}

function modeOption(raw: string | undefined): 'single' | 'multi' | undefined {
  if (raw === undefined) return undefined;
  if (raw !== 'single' && raw !== 'multi') throw new UsageError(`--mode must be single or multi, got "${raw}"`);
  return raw;
}

/** The password: the first line of stdin, so `echo secret | … add-rep …` works; prompts on a terminal. */
async function readFirstLine(io: AdminIo): Promise<string> {
  if (io.interactive) io.err('Password (visible as you type): ');
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return line;
    throw new UsageError('No password given: pipe it on stdin, e.g. echo secret | … add-rep … (or reset-password)');
  } finally {
    lines.close();
  }
}

/**
 * Runs one admin command (everything but serve); answers the exit code. What the admin can fix is one
 * line on err, without a stack trace.
 */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'add-rep':
        await addRep(io, args);
        return 0;
      case 'set-rep':
        await setRep(io, args);
        return 0;
      case 'report':
        await report(io, args);
        return 0;
      case 'add-queue':
      case 'set-queue':
      case 'list-queues':
      case 'remove-queue':
        await withStore(io, (store) =>
          QUEUE_COMMANDS[command]!(
            store,
            {
              out: (line) => io.out(line),
              fail: (message) => {
                throw new UsageError(message);
              },
            },
            args,
          ),
        );
        return 0;
      case 'disable-rep':
      case 'enable-rep':
      case 'reset-password':
      case 'revoke-tokens':
        await ACCOUNT_COMMANDS[command]!(io, args);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`Unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) io.err(error.message);
    else io.err(String(error instanceof Error ? (error.stack ?? error.message) : error));
    return 1;
  }
}
