import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TURNSERVER = process.env.TURNSERVER_PATH ?? 'turnserver';

/** A real coturn on 127.0.0.1, configured for tests only (loopback peers allowed, no TLS). */
export interface TestCoturn {
  /** e.g. turn:127.0.0.1:40123?transport=udp */
  url: string;
  secret: string;
  /** Everything coturn wrote, for a failing test to show. */
  logFile: string;
  stop(): Promise<void>;
}

function assertTurnserver(): void {
  if (spawnSync(TURNSERVER, ['--help'], { stdio: 'ignore' }).error) {
    throw new Error(`coturn not found ("${TURNSERVER}"): install it with "apt-get install -y coturn" or set TURNSERVER_PATH.`);
  }
}

/** A UDP port nobody uses right now (coturn binds it a moment later). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** A STUN Binding request (RFC 5389): header only, magic cookie, random transaction id. */
function bindingRequest(): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt32BE(0x2112a442, 4);
  return Buffer.concat([header, randomBytes(12)]);
}

/** Resolves once coturn answers STUN on `port`; asks again every 50 ms until then (it is starting up). */
function answering(port: number, exited: Promise<number | null>, logFile: string): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise<void>((resolve, reject) => {
    const ask = setInterval(() => socket.send(bindingRequest(), port, '127.0.0.1'), 50);
    let settled = false;
    // Several answers may arrive, and coturn exits later anyway (at stop): only the first counts.
    const done = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(ask);
      socket.close();
      if (error) reject(error);
      else resolve();
    };
    socket.on('message', () => done());
    void exited.then((code) => done(new Error(`turnserver exited (${code}) before answering; see ${logFile}`)));
  });
}

/** Starts coturn with `secret` as its static-auth-secret; stop() ends it and removes its directory. */
export async function startCoturn(secret = randomBytes(16).toString('hex')): Promise<TestCoturn> {
  assertTurnserver();
  const dir = mkdtempSync(join(tmpdir(), 'coturn-'));
  const port = await freeUdpPort();
  const logFile = join(dir, 'turn.log');
  const config = [
    `listening-port=${port}`,
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    // Both browsers run on this machine: their relayed addresses are loopback, which production denies.
    'allow-loopback-peers',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    'realm=remote-support.test',
    'fingerprint',
    'no-cli',
    'no-tls',
    'no-dtls',
    'no-tcp-relay',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turn.pid')}`,
    `log-file=${logFile}`,
    'simple-log',
    'no-stdout-log',
  ];
  const configFile = join(dir, 'turnserver.conf');
  writeFileSync(configFile, config.join('\n') + '\n', { mode: 0o600 });
  const child: ChildProcess = spawn(TURNSERVER, ['-c', configFile], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await answering(port, exited, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, secret, logFile, stop };
}
