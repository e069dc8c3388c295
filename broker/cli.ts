import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as v from 'valibot';
import { ConfigError, loadConfig } from './config';
import { createBroker } from './server';
import { createRep, ensureAdmin, UnknownRepError, updateRep } from './reps';
import { MAX_CUSTOMERS_LIMIT } from './limits';
import { DuplicateEmailError, openSqliteStore } from './store';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage: tsx broker/cli.ts <command>

Commands:
  serve      Start the broker (creates the admin account on first run)
  add-rep    Add a rep; the password is read from the first line of stdin
               --email E --name N [--admin] [--acd] [--max-customers K] [--mode single|multi]
             e.g. echo 'a-long-password' | npm run admin -- add-rep --email ann@example.com --name Ann
             Without --max-customers the rep gets MAX_CUSTOMERS (default 5); without --mode, single.
  set-rep    Change an existing rep; give at least one of the options
               --email E [--max-customers K] [--mode single|multi] [--name N]
             e.g. npm run admin -- set-rep --email ann@example.com --max-customers 3 --mode multi

Configuration comes from the environment: PORT, HOST, DATA_DIR, PUBLIC_URL, ICE_SERVERS,
ADMIN_EMAIL, ADMIN_PASSWORD, INVITE_TTL_HOURS, PEER_CONCURRENT_LIMIT, ALLOWED_ORIGINS, SMTP_URL,
MAIL_FROM, KNOCK_TTL_SECONDS, JOIN_BY_NUMBER_LIMIT, JOIN_BY_NUMBER_PER_NUMBER_LIMIT, MAX_CUSTOMERS,
PRESENCE_GRACE_SECONDS.`;

/** A failure the user can fix: printed without a stack trace. */
class UsageError extends Error {}

async function serve(): Promise<void> {
  const config = loadConfig(process.env);
  const broker = await createBroker(config);
  const admin = await ensureAdmin(broker.store, config.adminEmail, config.adminPassword, config.maxCustomers);

  console.log(`Broker listening on ${broker.url}`);
  if (broker.publicUrl !== broker.url) console.log(`Public URL: ${broker.publicUrl}`);
  console.log(`Admin sign-in: ${admin.email}`);
  if (admin.created && admin.generated) {
    console.log(`  password: ${admin.password}`);
    console.log('  (generated now and shown only this once: store it in your password manager)');
  } else if (admin.created) {
    console.log('  password: (from ADMIN_PASSWORD)');
  } else {
    console.log('  password: (set on first run)');
  }
  console.log(
    broker.mailer
      ? `Invitation email: sent by the broker through the mail server ${broker.mailer.host}`
      : "Invitation email: only through reps' own mail programs (set SMTP_URL to let the broker send it)",
  );
  console.log(`Load unpacked: ${resolve(ROOT, '.output/chrome-mv3')}`);
  console.log(`Firefox (about:debugging → Load Temporary Add-on): ${resolve(ROOT, '.output/firefox-mv2')}`);
  console.log(`Support site (customers join by number): ${broker.publicUrl}/`);

  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    // peer@1.0.2 leaves timers running after close, so exit explicitly once everything is closed.
    broker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

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

async function addRep(args: string[]): Promise<void> {
  const values = options(args, {
    ...REP_OPTIONS,
    admin: { type: 'boolean', default: false },
    acd: { type: 'boolean', default: false },
  });
  if (!values.email || !values.name) throw new UsageError(`add-rep needs --email and --name\n\n${USAGE}`);
  const maxCustomers = maxCustomersOption(values['max-customers']);
  const mode = modeOption(values.mode);

  const password = await readFirstLine();
  const config = loadConfig(process.env);
  const store = openSqliteStore(config.dataDir);
  try {
    const rep = await createRep(
      store,
      {
        email: values.email,
        name: values.name,
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
    console.log(
      `Added rep ${rep.email} (${rep.name})${flags ? `, ${flags}` : ''}, up to ${rep.maxCustomers} customers, ${rep.mode}-session mode`,
    );
  } catch (error) {
    if (error instanceof DuplicateEmailError) throw new UsageError(error.message);
    if (error instanceof v.ValiError) throw new UsageError(error.issues[0]?.message ?? 'Invalid rep');
    throw error;
  } finally {
    store.close();
  }
}

async function setRep(args: string[]): Promise<void> {
  const values = options(args, REP_OPTIONS);
  if (!values.email) throw new UsageError(`set-rep needs --email\n\n${USAGE}`);
  const maxCustomers = maxCustomersOption(values['max-customers']);
  const mode = modeOption(values.mode);
  if (maxCustomers === undefined && mode === undefined && values.name === undefined) {
    throw new UsageError('Nothing to change: give --max-customers, --mode or --name');
  }

  const config = loadConfig(process.env);
  const store = openSqliteStore(config.dataDir);
  try {
    const { before, after, changes } = updateRep(store, values.email, {
      ...(maxCustomers === undefined ? {} : { maxCustomers }),
      ...(mode === undefined ? {} : { mode }),
      ...(values.name === undefined ? {} : { name: values.name }),
    });
    const said: string[] = [];
    if (changes.name !== undefined) said.push(`name ${before.name} → ${after.name}`);
    if (changes.maxCustomers !== undefined) said.push(`max customers ${before.maxCustomers} → ${after.maxCustomers}`);
    if (changes.mode !== undefined) said.push(`mode ${before.mode} → ${after.mode}`);
    console.log(`Updated rep ${after.email}: ${said.join(', ')}`);
  } catch (error) {
    if (error instanceof UnknownRepError) throw new UsageError(error.message);
    if (error instanceof v.ValiError) throw new UsageError(error.issues[0]?.message ?? 'Invalid value');
    throw error;
  } finally {
    store.close();
  }
}

function maxCustomersOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_CUSTOMERS_LIMIT) {
    throw new UsageError(`--max-customers must be a whole number from 1 to ${MAX_CUSTOMERS_LIMIT}, got "${raw}"`);
  }
  return n;
}

function modeOption(raw: string | undefined): 'single' | 'multi' | undefined {
  if (raw === undefined) return undefined;
  if (raw !== 'single' && raw !== 'multi') throw new UsageError(`--mode must be single or multi, got "${raw}"`);
  return raw;
}

/** The password: the first line of stdin, so `echo secret | … add-rep …` works; prompts on a terminal. */
async function readFirstLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (visible as you type): ');
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return line;
    throw new UsageError('No password given: pipe it on stdin, e.g. echo secret | … add-rep …');
  } finally {
    lines.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'add-rep':
      return addRep(args);
    case 'set-rep':
      return setRep(args);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      if (command === undefined) process.exitCode = 1;
      return;
    default:
      throw new UsageError(`Unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
