import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../../../broker/auth/concurrencyLimit';
import { startBroker, type TestBroker, type TestRep } from '../../helpers/broker';
import { callFrom, loopback } from './addresses';
import { call, expectError } from './support';

let broker: TestBroker;
let clock = Date.now();
const work = new ConcurrencyLimit(1, 2);

beforeAll(async () => {
  broker = await startBroker({
    now: () => clock,
    passwordWork: work,
    env: {
      LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT: '3',
      LOGIN_FAILURES_PER_ACCOUNT: '5',
      LOGIN_FAILURES_PER_ADDRESS: '4',
      LOGIN_FAILURES_PER_MINUTE: '12',
    },
  });
});
afterAll(() => broker.close());

/** Every test starts with fresh windows. */
const nextWindow = () => (clock += 16 * 60_000);
let addresses = 0;
/** A client address no other test used. */
const fresh = () => loopback(addresses++);

const login = (from: string, email: string, password: string) =>
  callFrom(from, broker.url, 'POST', '/api/login', { body: { email, password } });

function expectRefused(res: Awaited<ReturnType<typeof login>>, message: string, retryAfter: number) {
  expectError(res, 429, 'rate_limited');
  expect(res.body.error.message).toMatch(
    new RegExp(`^${message.replace(/[.]/g, '\\.')} Try again in \\d+ (seconds|minutes)\\.$`),
  );
  expect(res.headers.get('retry-after')).toBe(String(retryAfter));
}

const refusals = async () => (await broker.store.listAudit()).filter((a) => a.action === 'login-refused');

describe('sign-in limits', () => {
  it('one address on one account: a few failures, then 429 for a minute; the right password then gets in', async () => {
    nextWindow();
    const rep = await broker.addRep();
    const here = fresh();
    for (let i = 0; i < 3; i++) expectError(await login(here, rep.email, 'wrong-password'), 401, 'unauthorized');
    expectRefused(await login(here, rep.email, rep.password), 'Too many failed sign-ins for this account from here.', 60);
    // Another address is not this count's business.
    expect((await login(fresh(), rep.email, rep.password)).status).toBe(200);
    clock += 60_000;
    expect((await login(here, rep.email, rep.password)).status).toBe(200);
  });

  it('one account from many addresses: strangers are refused, the rep at a known address gets in', async () => {
    nextWindow();
    const rep = await broker.addRep();
    const desk = fresh();
    expect((await login(desk, rep.email, rep.password)).status).toBe(200); // the desk is known from now on
    for (let i = 0; i < 5; i++) expectError(await login(fresh(), rep.email, `guess-${i}-guess`), 401, 'unauthorized');
    const stranger = await login(fresh(), rep.email, 'guess-6-guess');
    expectRefused(stranger, 'Too many failed sign-ins for this account.', 15 * 60);
    // Even the right password from an unknown address waits: otherwise the 429 would be an oracle.
    expectRefused(await login(fresh(), rep.email, rep.password), 'Too many failed sign-ins for this account.', 15 * 60);
    expect((await login(desk, rep.email, rep.password)).status).toBe(200);
    // An unknown email is counted the same way, so the answers say nothing about which accounts exist.
    const nobody = `nobody-${addresses}@example.test`;
    for (let i = 0; i < 5; i++) expectError(await login(fresh(), nobody, 'guess-guess'), 401, 'unauthorized');
    expectRefused(await login(fresh(), nobody, 'guess-guess'), 'Too many failed sign-ins for this account.', 15 * 60);
    clock += 15 * 60_000;
    expect((await login(fresh(), rep.email, rep.password)).status).toBe(200);
  });

  it('spraying one password over many accounts from one address is refused; a success there resets nothing', async () => {
    nextWindow();
    const reps: TestRep[] = [];
    for (let i = 0; i < 6; i++) reps.push(await broker.addRep());
    const sprayer = fresh();
    for (const rep of reps.slice(0, 3)) expectError(await login(sprayer, rep.email, 'Summer2025!'), 401, 'unauthorized');
    // The sprayer signs into an account of their own: it does not buy more guesses at the others.
    const own = await broker.addRep();
    expect((await login(sprayer, own.email, own.password)).status).toBe(200);
    expectError(await login(sprayer, reps[3]!.email, 'Summer2025!'), 401, 'unauthorized');
    expectRefused(await login(sprayer, reps[4]!.email, 'Summer2025!'), 'Too many failed sign-ins from your network.', 15 * 60);
    expectRefused(
      await login(sprayer, reps[5]!.email, reps[5]!.password),
      'Too many failed sign-ins from your network.',
      15 * 60,
    );
    // Reps elsewhere are not affected, and the sprayer's own account still works from there (known address).
    expect((await login(fresh(), reps[5]!.email, reps[5]!.password)).status).toBe(200);
    expect((await login(sprayer, own.email, own.password)).status).toBe(200);
    clock += 15 * 60_000;
    expect((await login(sprayer, reps[4]!.email, reps[4]!.password)).status).toBe(200);
  });

  it('a global cap on failures refuses strangers for a minute; reps at known addresses still get in', async () => {
    nextWindow();
    const rep = await broker.addRep();
    const desk = fresh();
    expect((await login(desk, rep.email, rep.password)).status).toBe(200);
    for (let i = 0; i < 12; i++) {
      expectError(await login(fresh(), `bot-${i}-${addresses}@example.test`, 'guess-guess'), 401, 'unauthorized');
    }
    const someone = await broker.addRep();
    expectRefused(
      await login(fresh(), someone.email, someone.password),
      'Too many failed sign-ins on this server right now.',
      60,
    );
    expect((await login(desk, rep.email, rep.password)).status).toBe(200);
    clock += 60_000;
    expect((await login(fresh(), someone.email, someone.password)).status).toBe(200);
  });

  it('refusals are audited once a minute per count, with the limit and the address', async () => {
    nextWindow();
    const rep = await broker.addRep();
    const here = fresh();
    const before = (await refusals()).length;
    for (let i = 0; i < 3; i++) await login(here, rep.email, 'wrong-password');
    for (let i = 0; i < 5; i++) expect((await login(here, rep.email, 'wrong-password')).status).toBe(429);
    const added = (await refusals()).slice(before);
    expect(added).toEqual([
      expect.objectContaining({ actor: `email:${rep.email}`, detail: { limit: 'address-and-account', address: here } }),
    ]);
    clock += 60_000;
    for (let i = 0; i < 3; i++) await login(here, rep.email, 'wrong-password');
    expect((await login(here, rep.email, 'wrong-password')).status).toBe(429);
    expect((await refusals()).length).toBe(before + 2);
    expect(JSON.stringify(await broker.store.listAudit())).not.toContain('wrong-password');
  });

  it('scrypt work is capped: beyond the queue, sign-ins get 429 at once and the rest of the broker answers', async () => {
    nextWindow();
    const rep = await broker.addRep();
    // Hold the only place, so the queue fills and stays full until the test lets go.
    let release!: () => void;
    const held = work.run(() => new Promise<void>((resolve) => (release = resolve)));
    const answers: Promise<Awaited<ReturnType<typeof login>>>[] = [];
    const busy: Awaited<ReturnType<typeof login>>[] = [];
    let allBusy!: () => void;
    const fourBusy = new Promise<void>((resolve) => (allBusy = resolve));
    for (let i = 0; i < 6; i++) {
      const answer = login(fresh(), rep.email, 'wrong-password');
      answers.push(answer);
      void answer.then((res) => {
        if (res.status === 429 && busy.push(res) === 4) allBusy();
      });
    }
    await fourBusy;
    for (const res of busy) {
      expectError(res, 429, 'rate_limited');
      expect(res.body.error.message).toBe('The server is busy with other sign-ins. Try again in 1 second.');
      expect(res.headers.get('retry-after')).toBe('1');
    }
    expect(work.load).toEqual({ running: 1, queued: 2 });
    // Static files and other calls do not wait for password work.
    expect((await call(broker.url, 'GET', '/api/capabilities')).status).toBe(200);
    release();
    await held;
    const statuses = (await Promise.all(answers)).map((res) => res.status).sort();
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429]);
    expect(work.peak).toBe(1);
    expect((await refusals()).at(-1)?.detail).toMatchObject({ limit: 'busy' });
  });

  it('a flood of sign-ins never runs more scrypt at once than the cap', async () => {
    nextWindow();
    const rep = await broker.addRep();
    const answers = await Promise.all(Array.from({ length: 24 }, () => login(fresh(), rep.email, 'wrong-password')));
    for (const res of answers) expect([401, 429]).toContain(res.status);
    expect(work.peak).toBe(1);
    expect(work.load).toEqual({ running: 0, queued: 0 });
  });
});
