import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { callFrom, loopback } from './addresses';
import { expectError, startSessionAs } from './support';

let broker: TestBroker;
let clock = Date.now();

beforeAll(async () => {
  broker = await startBroker({ now: () => clock, env: { ASSIST_BY_NUMBER_PER_REP: '3', ASSIST_BY_NUMBER_PER_ADDRESS: '5' } });
});
afterAll(() => broker.close());

async function colleague() {
  const rep = await broker.addRep();
  return { rep, token: await broker.login(rep.email, rep.password) };
}
const assist = (from: string, number: string, token: string) =>
  callFrom(from, broker.url, 'POST', `/api/sessions/by-number/${number}/assist`, { token, body: {} });
/** Numbers of no live session here (the few sessions of this file have random numbers: a clash is one in millions). */
const wrongNumber = (i: number) => String(900_000_000 + i);
const auditOf = async (repId: string) =>
  (await broker.store.listAudit()).filter((a) => a.actor === `rep:${repId}` && a.action.startsWith('assist'));

describe('assist by number is limited and audited', () => {
  it('per rep: a few attempts a minute, then 429 with Retry-After; every attempt is in the audit', async () => {
    clock += 120_000;
    const owner = await colleague();
    const { session } = await startSessionAs(broker.url, owner.token);
    const guesser = await colleague();
    const here = loopback(0);
    for (let i = 0; i < 3; i++) expectError(await assist(here, wrongNumber(i), guesser.token), 404, 'not_found');
    const refused = await assist(loopback(1), session.number, guesser.token);
    expectError(refused, 429, 'rate_limited');
    expect(refused.body.error.message).toBe('Too many attempts to assist by number. Try again in 60 seconds.');
    expect(refused.headers.get('retry-after')).toBe('60');

    expect((await auditOf(guesser.rep.id)).map((a) => [a.action, a.detail?.reason])).toEqual([
      ['assist-refused', 'unknown-number'],
      ['assist-refused', 'unknown-number'],
      ['assist-refused', 'unknown-number'],
      ['assist-refused', 'rate-limited'],
    ]);
    expect((await auditOf(guesser.rep.id))[0]!.detail).toMatchObject({ via: 'number', number: wrongNumber(0), address: here });
    expect((await auditOf(guesser.rep.id))[3]!.detail).toMatchObject({ limit: 'rep', number: session.number });

    clock += 60_000;
    const joined = await assist(here, session.number, guesser.token);
    expect(joined.status).toBe(201);
    expect((await auditOf(guesser.rep.id)).at(-1)).toMatchObject({ action: 'assist', sessionId: session.id });
  });

  it('per client address, across reps', async () => {
    clock += 120_000;
    const shared = loopback(2);
    const [ann, bob] = [await colleague(), await colleague()];
    for (let i = 0; i < 3; i++) expectError(await assist(shared, wrongNumber(10 + i), ann.token), 404, 'not_found');
    for (let i = 0; i < 2; i++) expectError(await assist(shared, wrongNumber(20 + i), bob.token), 404, 'not_found');
    const refused = await assist(shared, wrongNumber(30), bob.token);
    expectError(refused, 429, 'rate_limited');
    expect((await auditOf(bob.rep.id)).at(-1)?.detail).toMatchObject({ reason: 'rate-limited', limit: 'address' });
    // Bob from elsewhere is still under his own limit.
    expectError(await assist(loopback(3), wrongNumber(31), bob.token), 404, 'not_found');
  });
});
