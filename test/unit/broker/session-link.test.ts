import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InviteList, SessionDetail } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { call, expectError, linkToken, startSessionAs } from './support';

const HOUR = 3_600_000;
let broker: TestBroker;
let clock = Date.now();
let token: string;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  // Sign-ins that outlast the test's clock jumps: this file is about links.
  broker = await startBroker({
    now: () => clock,
    env: { INVITE_TTL_HOURS: '2', REP_TOKEN_IDLE_HOURS: '1000', REP_TOKEN_MAX_HOURS: '1000' },
  });
  const rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterAll(() => broker.close());

const join = (url: string, name = 'Carl Customer') => api('POST', '/api/join', { body: { invite: linkToken(url), name } });
const check = (url: string) => api('POST', '/api/invites/check', { body: { invite: linkToken(url) } });
const detail = async (sessionId: string) =>
  v.parse(SessionDetail, (await api('GET', `/api/sessions/${sessionId}`, { token })).body);
const invites = async (sessionId: string) =>
  v.parse(InviteList, (await api('GET', `/api/sessions/${sessionId}/invites`, { token })).body).invites;

describe('the session’s own customer link', () => {
  it('admits for as long as the session is live; other invitations keep their time limit', async () => {
    const { session } = await startSessionAs(broker.url, token);
    const other = (await api('POST', `/api/sessions/${session.id}/invites`, { token, body: { role: 'customer', send: 'none' } }))
      .body.invite;
    clock += 30 * HOUR; // well past INVITE_TTL_HOURS
    const link = (await detail(session.id)).session.joinUrl!;
    expect(link).toBe(session.joinUrl);
    // check, join and the panel agree: the link admits, and reads as valid a full TTL ahead.
    const checked = await check(link);
    expect(checked.status).toBe(200);
    expect(checked.body.invite.expiresAt).toBe(clock + 2 * HOUR);
    expect((await join(link)).status).toBe(201);
    const listed = await invites(session.id);
    expect(listed.find((i) => i.channel === 'link')!.expiresAt).toBe(clock + 2 * HOUR);

    expectError(await join(other.url), 410, 'invite_expired');
    expectError(await check(other.url), 410, 'invite_expired');
    expect(listed.find((i) => i.id === other.id)!.expiresAt).toBeLessThan(clock);
  });

  it('revoking it still works after its stored time ran out, and gives the session a new one', async () => {
    const { session } = await startSessionAs(broker.url, token);
    clock += 3 * HOUR;
    const revoked = await api('POST', `/api/sessions/${session.id}/invites/revoke`, { token, body: {} });
    expect(revoked.body.revoked).toBe(1);
    const fresh = revoked.body.session.joinUrl as string;
    expect(fresh).not.toBe(session.joinUrl);
    expectError(await join(session.joinUrl!), 410, 'invite_expired');
    expect((await join(fresh)).status).toBe(201);
    expect((await detail(session.id)).session.joinUrl).toBe(fresh);
  });

  it('stops admitting when the session ends', async () => {
    const { session } = await startSessionAs(broker.url, token);
    await api('POST', `/api/sessions/${session.id}/end`, { token });
    clock += HOUR;
    expectError(await join(session.joinUrl!), 410, 'session_ended');
    expect((await detail(session.id)).session.joinUrl).toBeUndefined();
    const link = (await invites(session.id)).find((i) => i.channel === 'link')!;
    expect(link.revokedAt).not.toBeNull();
  });
});
