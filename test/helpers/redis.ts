import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? 'redis-server';

/** A real redis-server of the test's own on 127.0.0.1, in a temp dir, keeping nothing on disk. */
export interface TestRedis {
  /** e.g. redis://127.0.0.1:40123 */
  url: string;
  port: number;
  /** Stops the server, keeping its port and directory (an outage); `start` brings it back on the same port. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function assertRedisServer(): void {
  if (spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).error) {
    throw new Error(
      `redis-server not found ("${REDIS_SERVER}"): install it with "apt-get install -y redis-server" or set REDIS_SERVER_PATH.`,
    );
  }
}

export async function startRedis(): Promise<TestRedis> {
  assertRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'remote-support-redis-'));
  const port = await freePort();
  let running: { child: ChildProcess; exited: Promise<number | null> } | undefined = await launch(port, dir);
  const kill = async () => {
    const r = running;
    running = undefined;
    if (r && r.child.exitCode === null) {
      r.child.kill('SIGTERM');
      await r.exited;
    }
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    async start() {
      running ??= await launch(port, dir);
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, dir: string): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, exited };
}
