import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginResponse } from '../../../core/protocol';
import * as v from 'valibot';
import type { BrokerContext } from '../../../broker/context';
import type { SqliteStore } from '../../../broker/store';
import { RENEW_EVERY_MS, touchRepToken } from '../../../broker/auth/repTokens';
import { hashToken } from '../../../broker/auth/tokens';
import { startBroker, type TestBroker, type TestRep } from '../../helpers/broker';
import { Socket, call, expectError, startSessionAs, wsUrl } from './support';
import { listenForRevocations } from './revocations';

const HOUR = 3_600_000;
let broker: TestBroker;
let clock = Date.now();
const { revocations, heard, announced } = listenForRevocations();

beforeAll(async () => {
  broker = await startBroker({
    now: () => clock,
    revocations,
    credentialSweepIntervalMs: 20,
    env: { REP_TOKEN_IDLE_HOURS: '1', REP_TOKEN_MAX_HOURS: '3' },
  });
});
afterAll(() => broker.close());

async function signIn(rep?: TestRep) {
  const who = rep ?? (await broker.addRep());
  const res = await call(broker.url, 'POST', '/api/login', { body: { email: who.email, password: who.password } });
  expect(res.status).toBe(200);
  const body = v.parse(LoginResponse, res.body);
  return { rep: who, token: body.token, tokenHash: hashToken(body.token), expiresAt: body.expiresAt };
}
const me = (token: string) => call(broker.url, 'GET', '/api/me', { token });
const lastUsed = async (tokenHash: string) => (await broker.store.findRepToken(tokenHash))!.token.lastUsedAt;

describe('rep tokens expire', () => {
  it('after the idle limit without use; every use renews it', async () => {
    const { token, expiresAt } = await signIn();
    expect(expiresAt).toBe(clock + 3 * HOUR);
    for (let i = 0; i < 2; i++) {
      clock += HOUR - 60_000;
      expect((await me(token)).status).toBe(200);
    }
    clock += HOUR;
    const expired = await me(token);
    expectError(expired, 401, 'unauthorized');
    expect(expired.body.error.message).toBe('Your sign-in expired after 1 hour without use. Please sign in again.');
  });

  it('at the maximum after sign-in, however much it is used', async () => {
    const { token } = await signIn();
    for (let i = 0; i < 5; i++) {
      clock += 35 * 60_000;
      expect((await me(token)).status).toBe(200);
    }
    clock += 25 * 60_000; // 3 h after sign-in
    const expired = await me(token);
    expectError(expired, 401, 'unauthorized');
    expect(expired.body.error.message).toBe('Your sign-in expired: a sign-in lasts at most 3 hours. Please sign in again.');
  });

  it('renewal is written at most once a minute per token; the events socket’s hello counts as use', async () => {
    const { token, tokenHash } = await signIn();
    const signedInAt = clock;
    clock += 10_000;
    expect((await me(token)).status).toBe(200);
    expect(await lastUsed(tokenHash)).toBe(signedInAt);
    clock += RENEW_EVERY_MS;
    expect((await me(token)).status).toBe(200);
    expect(await lastUsed(tokenHash)).toBe(clock);

    clock += 5 * 60_000;
    const socket = await Socket.open(wsUrl(broker.url, '/api/events'));
    socket.send({ type: 'hello', token });
    expect((await socket.untilReady()).at(-1)?.type).toBe('ready');
    await socket.close();
    expect(await lastUsed(tokenHash)).toBe(clock);
  });

  it('touchRepToken renews on activity (throttled) and says when the token no longer works', async () => {
    const { tokenHash } = await signIn();
    const ctx = { store: broker.store, now: () => clock, repTokens: { idleMs: HOUR, maxMs: 3 * HOUR } } as BrokerContext;
    const signedInAt = clock;
    for (let i = 0; i < 20; i++) {
      clock += 3_000; // the socket's heartbeat
      expect(await touchRepToken(ctx, tokenHash)).toBe(true);
    }
    expect(await lastUsed(tokenHash)).toBe(signedInAt + RENEW_EVERY_MS);
    clock += HOUR;
    expect(await touchRepToken(ctx, tokenHash)).toBe(false);
    expect(await touchRepToken(ctx, hashToken('never-issued-token-never-issued'))).toBe(false);
  });

  it('hasLiveRepToken respects expiry and disabled reps', async () => {
    const { rep } = await signIn();
    expect(await broker.store.hasLiveRepToken(rep.id, clock)).toBe(true);
    await broker.store.setRepDisabled(rep.id, clock);
    expect(await broker.store.hasLiveRepToken(rep.id, clock)).toBe(false);
    await broker.store.setRepDisabled(rep.id, null);
    expect(await broker.store.hasLiveRepToken(rep.id, clock)).toBe(true);
    expect(await broker.store.hasLiveRepToken(rep.id, clock + HOUR)).toBe(false);
  });
});

describe('signing out and credentials ended elsewhere', () => {
  it('sign-out revokes the token, says so on its next use, and announces it once', async () => {
    const { rep, token, tokenHash } = await signIn();
    expect((await call(broker.url, 'POST', '/api/logout', { token })).body).toEqual({ ok: true });
    expect(heard.filter((r) => r.kind === 'rep-token' && r.tokenHash === tokenHash)).toEqual([
      { kind: 'rep-token', tokenHash, repId: rep.id },
    ]);
    const after = await me(token);
    expectError(after, 401, 'unauthorized');
    expect(after.body.error.message).toBe(
      'Your sign-in has ended (you signed out, or an administrator signed you out). Please sign in again.',
    );
    // The sweep sees the revocation in the database too, and does not announce it again.
    const marker = await signIn();
    await broker.store.revokeRepToken(marker.tokenHash, clock);
    await announced((r) => r.kind === 'rep-token' && r.tokenHash === marker.tokenHash);
    expect(heard.filter((r) => r.kind === 'rep-token' && r.tokenHash === tokenHash)).toHaveLength(1);
  });

  it('the sweep announces tokens revoked by another process, tokens that expired, and disabled reps', async () => {
    const revoked = await signIn();
    await broker.store.revokeRepToken(revoked.tokenHash, clock); // as `revoke-tokens` in the admin CLI would
    expect(await announced((r) => r.kind === 'rep-token' && r.tokenHash === revoked.tokenHash)).toEqual({
      kind: 'rep-token',
      tokenHash: revoked.tokenHash,
      repId: revoked.rep.id,
    });

    const idle = await signIn();
    clock += HOUR;
    await announced((r) => r.kind === 'rep-token' && r.tokenHash === idle.tokenHash);

    const disabled = await signIn();
    await broker.store.setRepDisabled(disabled.rep.id, clock);
    expect(await announced((r) => r.kind === 'rep' && r.repId === disabled.rep.id)).toEqual({
      kind: 'rep',
      repId: disabled.rep.id,
    });
    const answer = await me(disabled.token);
    expect(answer.body.error.message).toBe('Your account is disabled. Ask your administrator.');
    await broker.store.setRepDisabled(disabled.rep.id, null);
  });
});

describe('a rep’s peerToken is no bearer', () => {
  it('opens neither the API nor the events socket; the rep token does', async () => {
    const { token } = await signIn();
    const { session, self } = await startSessionAs(broker.url, token);
    expectError(await call(broker.url, 'GET', `/api/sessions/${session.id}`, { token: self.peerToken }), 401, 'unauthorized');
    expectError(
      await call(broker.url, 'POST', `/api/sessions/${session.id}/end`, { token: self.peerToken }),
      401,
      'unauthorized',
    );
    const socket = await Socket.open(wsUrl(broker.url, '/api/events'));
    socket.send({ type: 'hello', token: self.peerToken });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'unauthorized' });
    await socket.closed;
    expect((await call(broker.url, 'GET', `/api/sessions/${session.id}`, { token })).status).toBe(200);
  });
});

describe('tokens from before expiry existed', () => {
  it('get one idle period from the upgrade', async () => {
    const { rep, token, tokenHash } = await signIn();
    // As an older broker left it: a month old, no expiry, never used since.
    (broker.store as SqliteStore).database.db
      .prepare('UPDATE rep_tokens SET expires_at = NULL, last_used_at = NULL, created_at = ? WHERE token_hash = ?')
      .run(clock - 30 * 24 * HOUR, tokenHash);
    clock += 10 * HOUR;
    await broker.restart();
    expect((await me(token)).status).toBe(200);
    expect((await broker.store.findRepToken(tokenHash))!.token).toMatchObject({ lastUsedAt: clock, expiresAt: clock + HOUR });
    clock += HOUR - 60_000;
    expect((await me(token)).status).toBe(200); // used: still at most the one period
    clock += 60_000;
    expectError(await me(token), 401, 'unauthorized');
    expect((await call(broker.url, 'POST', '/api/login', { body: { email: rep.email, password: rep.password } })).status).toBe(
      200,
    );
  });
});
