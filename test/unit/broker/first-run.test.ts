import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeAudit } from '../../../broker/activityLog';
import { ConfigError, loadConfig } from '../../../broker/config';
import { leveledLogger, type Logger } from '../../../broker/log';
import { createBroker } from '../../../broker/server';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function env(extra: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-first-run-'));
  dirs.push(dataDir);
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_EMAIL: 'boss@example.test',
    ADMIN_PASSWORD: 'first-admin-password',
    ...extra,
  };
}

/** A logger that keeps its lines. */
function recording(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

async function adminName(config: ReturnType<typeof loadConfig>, askAdminName?: () => Promise<string | undefined>) {
  const broker = await createBroker(config, { log: recording(), askAdminName });
  try {
    return (await broker.store.findRepByEmail('boss@example.test'))!.name;
  } finally {
    await broker.close();
  }
}

describe('first run: the names customers see', () => {
  it('ADMIN_NAME names the first admin; never "Administrator"', async () => {
    expect(await adminName(loadConfig(env({ ADMIN_NAME: 'Sam Lee' })))).toBe('Sam Lee');
  });

  it('without ADMIN_NAME the name is asked for (once, when the admin is made), else "Support"', async () => {
    let asked = 0;
    expect(await adminName(loadConfig(env()), async () => (asked++, '  Pat Doe  '))).toBe('Pat Doe');
    expect(asked).toBe(1);
    expect(await adminName(loadConfig(env()), async () => '')).toBe('Support');
    expect(await adminName(loadConfig(env()))).toBe('Support');
  });

  it('ORG_NAME and ADMIN_NAME are one short line', () => {
    expect(loadConfig(env({ ORG_NAME: ' Acme ' })).orgName).toBe('Acme');
    expect(loadConfig(env()).orgName).toBeNull();
    expect(() => loadConfig(env({ ORG_NAME: 'x'.repeat(81) }))).toThrow(ConfigError);
    expect(() => loadConfig(env({ ADMIN_NAME: 'two\nlines' }))).toThrow(ConfigError);
  });
});

describe('what the broker prints after its banner', () => {
  it('LOG_LEVEL picks what is printed; lines are stamped with the time', () => {
    expect(loadConfig(env()).logLevel).toBe('info');
    expect(loadConfig(env({ LOG_LEVEL: 'WARN' })).logLevel).toBe('warn');
    expect(() => loadConfig(env({ LOG_LEVEL: 'chatty' }))).toThrow(ConfigError);
    const out = recording();
    const log = leveledLogger(out, 'warn', () => Date.UTC(2026, 0, 2, 3, 4, 5));
    log.info('quiet');
    log.warn('loud');
    log.error('louder');
    expect(out.lines).toEqual(['warn 2026-01-02T03:04:05.000Z loud', 'error 2026-01-02T03:04:05.000Z louder']);
  });

  it('one line per sign-in, session start and end, from the audit log (which holds no secrets)', async () => {
    const out = recording();
    const broker = await createBroker(loadConfig(env()), { log: out });
    try {
      const base = `http://127.0.0.1:${broker.port}/api`;
      const post = (path: string, body: unknown, token?: string) =>
        fetch(base + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        }).then((r) => r.json() as Promise<unknown>);
      await post('/login', { email: 'boss@example.test', password: 'wrong password here' });
      const { token } = (await post('/login', { email: 'boss@example.test', password: 'first-admin-password' })) as {
        token: string;
      };
      const { session } = (await post('/sessions', {}, token)) as { session: { id: string; number: string } };
      await post(`/sessions/${session.id}/end`, {}, token);
      const text = out.lines.join('\n');
      expect(text).toMatch(/warn Sign-in failed \(wrong email or password\): email:boss@example.test/);
      expect(text).toMatch(/info Sign-in: rep:\S+/);
      expect(text).toContain(`Session started: session ${session.id} number ${session.number}`);
      expect(text).toContain(`Session ended: session ${session.id}`);
      expect(text).not.toContain('first-admin-password');
      expect(text).not.toContain(token);
    } finally {
      await broker.close();
    }
  });

  it('describes any audited action it has no words for with its details', () => {
    expect(
      describeAudit({ at: 0, actor: 'rep:r1', action: 'remove', sessionId: 's1', detail: { participantId: 'p1' } }).line,
    ).toBe('remove: session s1 by rep:r1 (participantId=p1)');
  });
});
