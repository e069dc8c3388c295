import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LoginResponse } from '../../core/protocol';
import { loadConfig } from '../../broker/config';
import { createBroker, type Broker, type BrokerDiagnostics, type BrokerOptions } from '../../broker/server';
import { silentLogger, type Logger } from '../../broker/log';
import { createRep } from '../../broker/reps';
import type { ConcurrencyLimit } from '../../broker/auth/concurrencyLimit';
import type { Revocations } from '../../broker/auth/revocations';
import { openStore, type RepRow, type Store } from '../../broker/store';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const TEST_ADMIN = { email: 'admin@example.test', password: 'admin-password-for-tests' };

export interface StartBrokerOptions {
  /** 'in-process' (default, fastest) or 'child': `tsx broker/cli.ts serve`, as people run it. */
  mode?: 'in-process' | 'child';
  /** Extra environment (e.g. ICE_SERVERS, INVITE_TTL_HOURS); PORT is always 0. */
  env?: Record<string, string>;
  /** Reuse a data directory (e.g. one kept from an earlier broker); default: a new temp dir. */
  dataDir?: string;
  /** In-process only: the broker's clock. */
  now?: () => number;
  /** In-process only: how often overdue join-by-number waits are swept (default 5 s). */
  waitSweepIntervalMs?: number;
  /** In-process only: how often ended rep credentials are looked for (default 5 s). */
  credentialSweepIntervalMs?: number;
  /** In-process only: the cap on scrypt work, to hold it full or watch it. */
  passwordWork?: ConcurrencyLimit;
  /** In-process only: where the broker announces ended credentials, to listen. */
  revocations?: Revocations;
  /** In-process only: how dead events sockets are found (short in tests). */
  eventsHeartbeat?: BrokerOptions['eventsHeartbeat'];
  /** In-process only: how long customers and assistants may stay offline (short in tests). */
  presenceGraceMs?: number;
  /** In-process only: where the broker logs (default: nowhere). */
  log?: Logger;
  /** In-process only, with REDIS_URL in env: the cluster's clocks (short in tests). */
  clusterTiming?: BrokerOptions['clusterTiming'];
}

export interface TestRepInput {
  email?: string;
  name?: string;
  password?: string;
  isAdmin?: boolean;
  isAgent?: boolean;
  /** Default: the broker's MAX_CUSTOMERS (5 unless the test's env sets it). */
  maxCustomers?: number;
  /**
   * Default 'multi', unlike the product's 'single': most tests start several sessions with one rep and
   * never end them. Tests of single-session mode ask for 'single'.
   */
  mode?: 'single' | 'multi';
}

export interface TestRep extends RepRow {
  password: string;
}

export interface TestBroker {
  /** e.g. http://127.0.0.1:41234 — changes after restart(), not after stop() + start(). */
  readonly url: string;
  readonly port: number;
  /** The broker's process: the test's own in-process, the child's otherwise (benchmarks read its memory). */
  readonly pid: number;
  readonly dataDir: string;
  readonly admin: typeof TEST_ADMIN;
  /** The broker's store (in-process) or a second connection to its database (child). */
  readonly store: Store;
  /** Lines the child broker printed so far (child mode). */
  readonly output: string[];
  /** The broker's counters of what its live side dropped (in-process only). */
  readonly diagnostics: BrokerDiagnostics;
  /** Adds a rep straight into the store; unspecified fields get unique defaults. */
  addRep(input?: TestRepInput): Promise<TestRep>;
  /** POST /api/login; returns the bearer token. */
  login(email: string, password: string): Promise<string>;
  /** Stops and starts the broker on the same data directory (on a new port). */
  restart(): Promise<void>;
  /** Starts a stopped broker again on the same data directory and its first port, as clients expect of a restarted broker. */
  start(): Promise<void>;
  /** Stops the broker, keeping the data directory. */
  stop(): Promise<void>;
  /** Child mode: SIGKILL, as a crash would (no shutdown of any kind), keeping the data directory. */
  kill(): Promise<void>;
  /** Stops the broker and deletes the data directory if the helper made it. */
  close(): Promise<void>;
}

interface Running {
  url: string;
  port: number;
  pid: number;
  store: Store;
  output: string[];
  diagnostics?: BrokerDiagnostics;
  stop(): Promise<void>;
  kill?(): Promise<void>;
}

let repCounter = 0;

/** A real broker on 127.0.0.1, a free port and a throwaway DATA_DIR, with a known admin. */
export async function startBroker(options: StartBrokerOptions = {}): Promise<TestBroker> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'remote-support-broker-'));
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    ...options.env,
    PORT: '0',
  };
  const start = (port = '0') => {
    const withPort = { ...env, PORT: port };
    return options.mode === 'child' ? startChild(withPort) : startInProcess(withPort, options);
  };
  let running: Running | undefined = await start();
  const lastPort = running.port;
  const current = () => {
    if (!running) throw new Error('The test broker is stopped');
    return running;
  };

  const broker: TestBroker = {
    get url() {
      return current().url;
    },
    get port() {
      return current().port;
    },
    get pid() {
      return current().pid;
    },
    get store() {
      return current().store;
    },
    get output() {
      return current().output;
    },
    get diagnostics() {
      const diagnostics = current().diagnostics;
      if (!diagnostics) throw new Error('Diagnostics are there for in-process brokers only');
      return diagnostics;
    },
    dataDir,
    admin: TEST_ADMIN,
    async addRep(input = {}) {
      const n = ++repCounter;
      const password = input.password ?? `password-${n}-for-tests`;
      const rep = await createRep(
        current().store,
        {
          email: input.email ?? `rep${n}.${process.pid}@example.test`,
          name: input.name ?? `Rep ${n}`,
          password,
          ...(input.isAdmin === undefined ? {} : { isAdmin: input.isAdmin }),
          ...(input.isAgent === undefined ? {} : { isAgent: input.isAgent }),
          ...(input.maxCustomers === undefined ? {} : { maxCustomers: input.maxCustomers }),
          mode: input.mode ?? 'multi',
        },
        Date.now(),
        loadConfig(env).maxCustomers,
      );
      return { ...rep, password };
    },
    async login(email, password) {
      const response = await fetch(`${current().url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (!response.ok) throw new Error(`Login failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as LoginResponse).token;
    },
    async restart() {
      await broker.stop();
      running = await start();
    },
    async start() {
      // Same port, so connected clients can find it again, as they would a restarted production broker.
      running ??= await start(String(lastPort));
    },
    async stop() {
      const r = running;
      running = undefined;
      await r?.stop();
    },
    async kill() {
      const r = running;
      if (!r?.kill) throw new Error('Only a child broker can be killed');
      running = undefined;
      await r.kill();
    },
    async close() {
      await broker.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return broker;
}

/** The broker makes the admin account itself before it listens. */
async function startInProcess(env: Record<string, string>, options: StartBrokerOptions): Promise<Running> {
  const {
    now,
    waitSweepIntervalMs,
    credentialSweepIntervalMs,
    passwordWork,
    revocations,
    eventsHeartbeat,
    presenceGraceMs,
    log,
    clusterTiming,
  } = options;
  const broker: Broker = await createBroker(loadConfig(env), {
    log: log ?? silentLogger,
    ...(now ? { now } : {}),
    ...(waitSweepIntervalMs === undefined ? {} : { waitSweepIntervalMs }),
    ...(credentialSweepIntervalMs === undefined ? {} : { credentialSweepIntervalMs }),
    ...(passwordWork ? { passwordWork } : {}),
    ...(revocations ? { revocations } : {}),
    ...(eventsHeartbeat ? { eventsHeartbeat } : {}),
    ...(presenceGraceMs === undefined ? {} : { presenceGraceMs }),
    ...(clusterTiming ? { clusterTiming } : {}),
  });
  const { url, port, store, diagnostics } = broker;
  return { url, port, pid: process.pid, store, output: [], diagnostics, stop: () => broker.close() };
}

/** Runs the real CLI and waits for its "Broker listening on …" line. */
async function startChild(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'broker/cli.ts', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const errors: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString()));

  // The URL is on the first line; the support site's line ends the start-up banner.
  const url = await new Promise<string>((resolve, reject) => {
    let listening: string | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      listening ??= /^Broker listening on (http:\/\/\S+)/.exec(line)?.[1];
      if (listening && line.startsWith('Support site ')) resolve(listening);
    });
    void exited.then((code) => reject(new Error(`The broker exited (${code}) before listening:\n${errors.join('')}`)));
  });
  // The test's own connection beside the broker's (SQLite's WAL lets both read and write).
  const store = await openStore({ dataDir: env.DATA_DIR!, databaseUrl: env.DATABASE_URL ?? null });
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    store,
    output,
    async stop() {
      await store.close();
      await stopChild(child, exited);
    },
    async kill() {
      await store.close();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await exited;
}
