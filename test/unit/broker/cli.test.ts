import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { runAdmin } from '../../../broker/admin';
import { openSqliteStore } from '../../../broker/store';
import { verifyPassword } from '../../../broker/auth/passwords';
import { hashToken } from '../../../broker/auth/tokens';
import { ROOT, startBroker } from '../../helpers/broker';
import { call, expectError } from './support';
import { listenForRevocations } from './revocations';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs an admin command in-process, with stdin, as `npm run admin -- …` would (see admin.ts). */
async function cli(
  args: string[],
  stdin: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runAdmin(args, {
    env: { ...process.env, ...env },
    stdin: Readable.from([stdin]),
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
  });
  return { code, stdout, stderr };
}

/** The real entry point, once: `tsx broker/cli.ts` wires the admin commands to the process's streams. */
function cliProcess(args: string[], stdin: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'broker/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('admin CLI', () => {
  it('runs from the command line: output on stdout, a usage error on stderr with exit code 1', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rs-cli-'));
    dirs.push(dataDir);
    const added = await cliProcess(['add-rep', '--email', 'pat@example.com', '--name', 'Pat'], 'a long secret\n', {
      DATA_DIR: dataDir,
    });
    expect([added.code, added.stderr]).toEqual([0, '']);
    expect(added.stdout).toContain('Added rep pat@example.com');
    const unknown = await cliProcess(['frobnicate'], '', { DATA_DIR: dataDir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });

  it('add-rep reads the password from stdin and stores the rep', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rs-cli-'));
    dirs.push(dataDir);
    const added = await cli(
      ['add-rep', '--email', 'Ann@Example.com', '--name', 'Ann Agent', '--acd', '--max-customers', '3', '--mode', 'multi'],
      'a long secret\n',
      { DATA_DIR: dataDir },
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added rep ann@example.com');

    const store = openSqliteStore(dataDir);
    const rep = (await store.findRepByEmail('ann@example.com'))!;
    await store.close();
    expect(rep).toMatchObject({ name: 'Ann Agent', isAgent: true, isAdmin: false, maxCustomers: 3, mode: 'multi' });
    expect(await verifyPassword('a long secret', rep.passwordHash)).toBe(true);

    const duplicate = await cli(['add-rep', '--email', 'ann@example.com', '--name', 'Ann'], 'another secret\n', {
      DATA_DIR: dataDir,
    });
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toContain('already exists');
  });

  it('add-rep and unknown commands fail clearly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rs-cli-'));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir };
    const [short, badArgs, badMode, unknown] = await Promise.all([
      cli(['add-rep', '--email', 'b@example.com', '--name', 'B'], 'short\n', env),
      cli(['add-rep', '--email', 'c@example.com'], 'long enough\n', env),
      cli(['add-rep', '--email', 'd@example.com', '--name', 'D', '--mode', 'many'], 'long enough\n', env),
      cli(['frobnicate'], '', env),
    ]);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain('at least 8 characters');
    expect(badArgs.code).not.toBe(0);
    expect(badArgs.stderr).toContain('--email and --name');
    expect(badMode.code).not.toBe(0);
    expect(badMode.stderr).toContain('--mode must be single or multi');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Usage:');
  });

  it('add-rep without --max-customers takes MAX_CUSTOMERS; set-rep changes max customers, mode and name', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rs-cli-'));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir, MAX_CUSTOMERS: '3' };
    const added = await cli(['add-rep', '--email', 'bo@example.com', '--name', 'Bo'], 'a long secret\n', env);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('up to 3 customers, single-session mode');

    const set = await cli(
      ['set-rep', '--email', 'Bo@Example.com', '--max-customers', '2', '--mode', 'multi', '--name', 'Bo Rep'],
      '',
      env,
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout.trim()).toBe('Updated rep bo@example.com: name Bo → Bo Rep, max customers 3 → 2, mode single → multi');
    const onlyMode = await cli(['set-rep', '--email', 'bo@example.com', '--mode', 'single'], '', env);
    expect(onlyMode.stdout.trim()).toBe('Updated rep bo@example.com: mode multi → single');

    const store = openSqliteStore(dataDir);
    const rep = (await store.findRepByEmail('bo@example.com'))!;
    const audit = (await store.listAudit()).map((a) => a.action);
    await store.close();
    expect(rep).toMatchObject({ name: 'Bo Rep', maxCustomers: 2, mode: 'single' });
    expect(audit.filter((a) => a === 'rep-update')).toHaveLength(2);
  });

  it('set-rep fails clearly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rs-cli-'));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir };
    expect((await cli(['add-rep', '--email', 'cy@example.com', '--name', 'Cy'], 'a long secret\n', env)).code).toBe(0);
    const [unknown, nothing, noEmail, badMax, zeroMax, badMode, badName, badFlag] = await Promise.all([
      cli(['set-rep', '--email', 'nobody@example.com', '--mode', 'multi'], '', env),
      cli(['set-rep', '--email', 'cy@example.com'], '', env),
      cli(['set-rep', '--mode', 'multi'], '', env),
      cli(['set-rep', '--email', 'cy@example.com', '--max-customers', 'lots'], '', env),
      cli(['set-rep', '--email', 'cy@example.com', '--max-customers', '0'], '', env),
      cli(['set-rep', '--email', 'cy@example.com', '--mode', 'many'], '', env),
      cli(['set-rep', '--email', 'cy@example.com', '--name', '   '], '', env),
      cli(['set-rep', '--email', 'cy@example.com', '--admin'], '', env),
    ]);
    for (const result of [unknown, nothing, noEmail, badMax, zeroMax, badMode, badName, badFlag]) {
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    }
    expect(unknown.stderr).toContain('There is no rep with the email nobody@example.com');
    expect(nothing.stderr).toContain('Nothing to change: give --max-customers, --mode, --name, --acd/--no-acd or --max-sessions');
    expect(noEmail.stderr).toContain('set-rep needs --email');
    expect(badMax.stderr).toContain('--max-customers must be a whole number from 1 to 100, got "lots"');
    expect(zeroMax.stderr).toContain('--max-customers must be a whole number from 1 to 100, got "0"');
    expect(badMode.stderr).toContain('--mode must be single or multi, got "many"');
    expect(badName.stderr).toContain('Please enter a name');
    expect(badFlag.stderr).toContain('Usage:');

    const store = openSqliteStore(dataDir);
    expect(await store.findRepByEmail('cy@example.com')).toMatchObject({ name: 'Cy', maxCustomers: 5, mode: 'single' });
    await store.close();
  });

  it('WebACD: set-rep makes an agent with a maximum of sessions; queues are added, changed, listed and removed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rs-cli-'));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir };
    for (const [email, name] of [
      ['ann@example.com', 'Ann'],
      ['bob@example.com', 'Bob'],
    ] as const) {
      expect((await cli(['add-rep', '--email', email, '--name', name], 'a long secret\n', env)).code).toBe(0);
    }
    const notAgent = await cli(['add-queue', '--name', 'Billing', '--agents', 'ann@example.com'], '', env);
    expect(notAgent.stderr).toContain('ann@example.com is not a WebACD agent (set-rep --email ann@example.com --acd)');
    const made = await cli(['set-rep', '--email', 'ann@example.com', '--acd', '--max-sessions', '2'], '', env);
    expect(made.stdout).toContain('Updated rep ann@example.com: now a WebACD agent, max sessions 2');
    expect((await cli(['set-rep', '--email', 'bob@example.com', '--acd'], '', env)).code).toBe(0);
    expect((await cli(['set-rep', '--email', 'bob@example.com', '--max-sessions', 'lots'], '', env)).stderr).toContain(
      '--max-sessions must be a whole number from 1 to 100 or auto',
    );

    const added = await cli(
      ['add-queue', '--name', 'Billing', '--agents', 'ann@example.com,bob@example.com', '--routing', 'round-robin'],
      '',
      env,
    );
    expect(added.stdout).toBe('Added queue Billing (round-robin): ann@example.com, bob@example.com\n');
    expect((await cli(['add-queue', '--name', 'billing', '--agents', 'bob@example.com'], '', env)).stderr).toContain(
      'A queue named billing exists already',
    );
    expect(
      (await cli(['add-queue', '--name', 'X', '--agents', 'bob@example.com', '--routing', 'random'], '', env)).stderr,
    ).toContain('--routing must be one of everybody, most-idle, round-robin, got "random"');
    const changed = await cli(
      ['set-queue', '--name', 'Billing', '--agents', 'bob@example.com', '--routing', 'most-idle'],
      '',
      env,
    );
    expect(changed.stdout).toBe('Updated queue Billing (most-idle): bob@example.com\n');
    expect((await cli(['list-queues'], '', env)).stdout).toBe('Billing (most-idle): bob@example.com\n');
    expect((await cli(['remove-queue', '--name', 'Nope'], '', env)).stderr).toContain('There is no queue named Nope');
    expect((await cli(['remove-queue', '--name', 'Billing'], '', env)).stdout).toBe('Removed queue Billing\n');
    expect((await cli(['list-queues'], '', env)).stdout).toContain('No queues yet');

    const store = openSqliteStore(dataDir);
    expect(await store.findRepByEmail('ann@example.com')).toMatchObject({ isAgent: true, maxSessions: 2 });
    await store.close();
  });

  it('usage names set-rep, the account commands and their variables', async () => {
    const help = await cli(['help'], '', {});
    expect(help.stdout).toContain('set-rep');
    expect(help.stdout).toContain('--email E [--max-customers K] [--mode single|multi] [--name N]');
    expect(help.stdout).toContain('MAX_CUSTOMERS');
    for (const command of ['disable-rep', 'enable-rep', 'reset-password', 'revoke-tokens'])
      expect(help.stdout).toContain(command);
    for (const variable of [
      'REP_TOKEN_IDLE_HOURS',
      'LOGIN_FAILURES_PER_ACCOUNT',
      'PASSWORD_HASH_CONCURRENCY',
      'MAIL_PER_REP_PER_HOUR',
    ]) {
      expect(help.stdout).toContain(variable);
    }
  });

  it('disable-rep, enable-rep, reset-password and revoke-tokens: a running broker notices and says why', async () => {
    const { revocations, announced } = listenForRevocations();
    // The broker's clock is the real one here: the CLI stamps what it does with its own.
    const broker = await startBroker({ revocations, credentialSweepIntervalMs: 20 });
    const env = { DATA_DIR: broker.dataDir };
    try {
      const rep = await broker.addRep({ email: 'dee@example.com', name: 'Dee' });
      const login = (password = rep.password) =>
        call(broker.url, 'POST', '/api/login', { body: { email: 'dee@example.com', password } });
      const me = (token: string) => call(broker.url, 'GET', '/api/me', { token });
      const [laptop, phone] = [await broker.login(rep.email, rep.password), await broker.login(rep.email, rep.password)];

      const revoked = await cli(['revoke-tokens', '--email', 'Dee@Example.com'], '', env);
      expect(revoked.stderr).toBe('');
      expect(revoked.stdout.trim()).toBe('Signed out dee@example.com everywhere: 2 sign-ins ended');
      for (const token of [laptop, phone]) {
        await announced((r) => r.kind === 'rep-token' && r.tokenHash === hashToken(token));
        expect((await me(token)).body.error.message).toBe(
          'Your sign-in has ended (you signed out, or an administrator signed you out). Please sign in again.',
        );
      }

      const desk = await broker.login(rep.email, rep.password);
      const disabled = await cli(['disable-rep', '--email', 'dee@example.com'], '', env);
      expect(disabled.stdout.trim()).toBe('Disabled rep dee@example.com (Dee): no sign-in until enable-rep; 1 sign-in ended');
      await announced((r) => r.kind === 'rep' && r.repId === rep.id);
      expectError(await me(desk), 401, 'unauthorized');
      const refused = await login();
      expectError(refused, 401, 'unauthorized');
      expect(refused.body.error.message).toBe('This account is disabled. Ask your administrator to enable it.');
      // A wrong password learns nothing about the account.
      expect((await login('not-the-password')).body.error.message).toBe('Email or password is incorrect');
      expect((await cli(['disable-rep', '--email', 'dee@example.com'], '', env)).stdout.trim()).toBe(
        'Rep dee@example.com was already disabled; no sign-in was active',
      );

      const enabled = await cli(['enable-rep', '--email', 'dee@example.com'], '', env);
      expect(enabled.stdout.trim()).toBe('Enabled rep dee@example.com (Dee): they can sign in again');
      expect((await cli(['enable-rep', '--email', 'dee@example.com'], '', env)).stdout.trim()).toBe(
        'Rep dee@example.com was not disabled; nothing changed',
      );
      const afterEnable = await login();
      expect(afterEnable.status).toBe(200);

      const reset = await cli(['reset-password', '--email', 'dee@example.com'], 'a-new-long-password\n', env);
      expect(reset.stderr).toBe('');
      expect(reset.stdout.trim()).toBe(
        'New password set for dee@example.com; 1 sign-in ended (they sign in again with the new password)',
      );
      await announced((r) => r.kind === 'rep-token' && r.tokenHash === hashToken(afterEnable.body.token));
      expectError(await login(), 401, 'unauthorized');
      expect((await login('a-new-long-password')).status).toBe(200);

      const audit = (await broker.store.listAudit()).filter((a) => a.actor === 'cli' && a.detail?.repId === rep.id);
      expect(audit.map((a) => a.action)).toEqual([
        'rep-create',
        'rep-tokens-revoke',
        'rep-disable',
        'rep-disable',
        'rep-enable',
        'rep-enable',
        'rep-password-reset',
      ]);
      expect(JSON.stringify(audit)).not.toContain('a-new-long-password');
    } finally {
      await broker.close();
    }
  });

  it('the account commands fail clearly and change nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rs-cli-'));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir };
    expect((await cli(['add-rep', '--email', 'eve@example.com', '--name', 'Eve'], 'a long secret\n', env)).code).toBe(0);
    const results = await Promise.all([
      cli(['disable-rep', '--email', 'nobody@example.com'], '', env),
      cli(['enable-rep', '--email', 'nobody@example.com'], '', env),
      cli(['revoke-tokens', '--email', 'nobody@example.com'], '', env),
      cli(['reset-password', '--email', 'nobody@example.com'], 'a long password\n', env),
      cli(['reset-password', '--email', 'eve@example.com'], 'short\n', env),
      cli(['reset-password', '--email', 'eve@example.com'], '', env),
      cli(['disable-rep'], '', env),
      cli(['revoke-tokens', '--email', 'eve@example.com', '--all'], '', env),
    ]);
    for (const result of results) {
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    }
    const [disable, enable, revoke, resetUnknown, short, empty, noEmail, badFlag] = results.map((r) => r!.stderr);
    for (const message of [disable, enable, revoke, resetUnknown]) {
      expect(message).toContain('There is no rep with the email nobody@example.com');
    }
    expect(short).toContain('A password has at least 8 characters');
    expect(empty).toContain('No password given');
    expect(noEmail).toContain('disable-rep needs --email');
    expect(badFlag).toContain('Usage:');

    const store = openSqliteStore(dataDir);
    const eve = (await store.findRepByEmail('eve@example.com'))!;
    const actions = (await store.listAudit()).map((a) => a.action);
    await store.close();
    expect(eve.disabledAt).toBeNull();
    expect(await verifyPassword('a long secret', eve.passwordHash)).toBe(true);
    expect(actions).toEqual(['rep-create']);
  });

  /** The child's output is read as it comes: wait for a line. */
  async function waitUntilLogged(lines: string[], pattern: RegExp): Promise<void> {
    while (!lines.some((line) => pattern.test(line))) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('serve prints where to go and creates the admin once, with a password shown only that time', async () => {
    const broker = await startBroker({ mode: 'child', env: { ADMIN_PASSWORD: '' } });
    try {
      const out = broker.output;
      expect(out[0]).toBe(`Broker listening on ${broker.url}`);
      expect(out[1]).toBe(`In the extension, sign in to ${broker.url}`);
      expect(out).toContain('Admin sign-in: admin@example.test');
      const passwordLine = out.find((l) => l.startsWith('  password: '))!;
      const password = passwordLine.slice('  password: '.length);
      expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(out).toContain(`Load unpacked: ${join(ROOT, '.output/chrome-mv3')}`);
      expect(out).toContain(`Support site (customers join by number): ${broker.url}/`);
      expect(out).toContain("Invitation email: only through reps' own mail programs (set SMTP_URL to let the broker send it)");
      expect((await call(broker.url, 'POST', '/api/login', { body: { email: 'admin@example.test', password } })).status).toBe(
        200,
      );
      // After the banner, one line per sign-in (LOG_LEVEL=info by default), never the password.
      await waitUntilLogged(broker.output, /Z Sign-in: rep:\S+$/);
      expect(broker.output.filter((line) => line !== passwordLine).join('\n')).not.toContain(password);

      await broker.restart();
      expect(broker.output).toContain('  password: (set on first run)');
      expect((await call(broker.url, 'POST', '/api/login', { body: { email: 'admin@example.test', password } })).status).toBe(
        200,
      );
    } finally {
      await broker.close();
    }
  });

  it('serve says which mail server sends invitations, never its password', async () => {
    const broker = await startBroker({ mode: 'child', env: { SMTP_URL: 'smtp://mailer:hunter22@mail.example.com:2525' } });
    try {
      expect(broker.output).toContain('Invitation email: sent by the broker through the mail server mail.example.com:2525');
      expect(broker.output.join('\n')).not.toContain('hunter22');
    } finally {
      await broker.close();
    }
  });
});
