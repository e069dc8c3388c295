import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../broker/store';
import { verifyPassword } from '../../../broker/auth/passwords';
import { ROOT, startBroker } from '../../helpers/broker';
import { call } from './support';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs `tsx broker/cli.ts …` with stdin, as an admin would. */
function cli(
  args: string[],
  stdin: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
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

// Each case starts Node processes that compile TypeScript on the fly: seconds, not milliseconds.
describe('admin CLI', { timeout: 30_000 }, () => {
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
    const rep = store.findRepByEmail('ann@example.com')!;
    store.close();
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
    const rep = store.findRepByEmail('bo@example.com')!;
    const audit = store.listAudit().map((a) => a.action);
    store.close();
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
    expect(nothing.stderr).toContain('Nothing to change: give --max-customers, --mode or --name');
    expect(noEmail.stderr).toContain('set-rep needs --email');
    expect(badMax.stderr).toContain('--max-customers must be a whole number from 1 to 100, got "lots"');
    expect(zeroMax.stderr).toContain('--max-customers must be a whole number from 1 to 100, got "0"');
    expect(badMode.stderr).toContain('--mode must be single or multi, got "many"');
    expect(badName.stderr).toContain('Please enter a name');
    expect(badFlag.stderr).toContain('Usage:');

    const store = openSqliteStore(dataDir);
    expect(store.findRepByEmail('cy@example.com')).toMatchObject({ name: 'Cy', maxCustomers: 5, mode: 'single' });
    store.close();
  });

  it('usage names set-rep and MAX_CUSTOMERS', async () => {
    const help = await cli(['help'], '', {});
    expect(help.stdout).toContain('set-rep');
    expect(help.stdout).toContain('--email E [--max-customers K] [--mode single|multi] [--name N]');
    expect(help.stdout).toContain('MAX_CUSTOMERS');
  });

  it('serve prints where to go and creates the admin once, with a password shown only that time', async () => {
    const broker = await startBroker({ mode: 'child', env: { ADMIN_PASSWORD: '' } });
    try {
      const out = broker.output;
      expect(out[0]).toBe(`Broker listening on ${broker.url}`);
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
