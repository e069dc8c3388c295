import { createHmac } from 'node:crypto';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IceConfig } from '../../../core/protocol';
import { ConfigError, loadConfig } from '../../../broker/config';
import { turnCredential } from '../../../broker/ice/turnCredentials';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { assistByNumber, call, expectError, joinByLink, startSessionAs } from './support';

const SECRET = 'test-shared-secret';
const TURN = { TURN_URLS: 'turn:turn.example.test:3478?transport=udp, turns:turn.example.test:5349', TURN_SECRET: SECRET };

describe('TURN credentials (coturn use-auth-secret)', () => {
  it('matches a vector computed with openssl', () => {
    // printf '1700000000:p-alice' | openssl dgst -sha1 -hmac 'test-shared-secret' -binary | base64
    expect(turnCredential(SECRET, 'p-alice', 1_700_000_000)).toEqual({
      username: '1700000000:p-alice',
      credential: 'vFRHT2iZTDGHY6B1qnI1Ey3vsIs=',
    });
  });
});

describe('TURN configuration', () => {
  it('is off unless asked for, and relays are allowed alongside direct routes', () => {
    expect(loadConfig({})).toMatchObject({ turn: null, iceTransportPolicy: 'all' });
  });

  it('reads URLs, secret, lifetime and the relay-only policy', () => {
    expect(loadConfig({ ...TURN, TURN_TTL_SECONDS: '3600', ICE_TRANSPORT_POLICY: 'relay' })).toMatchObject({
      turn: {
        urls: ['turn:turn.example.test:3478?transport=udp', 'turns:turn.example.test:5349'],
        secret: SECRET,
        ttlMs: 3_600_000,
      },
      iceTransportPolicy: 'relay',
    });
    expect(loadConfig(TURN).turn?.ttlMs).toBe(12 * 3_600_000);
  });

  it.each([
    [{ TURN_SECRET: SECRET }, /TURN_SECRET is set but TURN_URLS is not/],
    [{ TURN_URLS: 'turn:turn.example.test' }, /TURN_URLS is set but TURN_SECRET is not/],
    [{ ...TURN, TURN_URLS: 'https://turn.example.test' }, /TURN_URLS must be comma-separated turn: or turns: URLs/],
    [{ ...TURN, TURN_URLS: 'stun:stun.example.test' }, /TURN_URLS must be comma-separated/],
    [{ ...TURN, TURN_URLS: ' , ' }, /TURN_URLS must be comma-separated/],
    [{ ...TURN, TURN_TTL_SECONDS: '60' }, /TURN_TTL_SECONDS must be a whole number from 600 to 604800/],
    [{ TURN_TTL_SECONDS: '3600' }, /TURN_TTL_SECONDS needs TURN_URLS and TURN_SECRET/],
    [{ ICE_TRANSPORT_POLICY: 'none' }, /ICE_TRANSPORT_POLICY must be "all" or "relay"/],
  ])('rejects %j clearly', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats the secret in its errors', () => {
    expect(() => loadConfig({ ...TURN, TURN_URLS: 'http://x' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(SECRET) }),
    );
  });
});

describe('TURN credentials from the broker', () => {
  let broker: TestBroker;
  let clock = Date.UTC(2026, 10, 27, 12, 0, 0);
  let token: string;
  const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);
  /** Checked independently of broker code: coturn would accept this pair until `expiresAt`. */
  const expectSigned = (ice: IceConfig, participantId: string) => {
    const turn = ice.iceServers.find((s) => String(s.urls).startsWith('turn'))!;
    expect(turn.username).toBe(`${ice.expiresAt! / 1000}:${participantId}`);
    expect(turn.credential).toBe(createHmac('sha1', SECRET).update(turn.username!).digest('base64'));
  };

  beforeAll(async () => {
    broker = await startBroker({
      now: () => clock,
      env: {
        ...TURN,
        TURN_TTL_SECONDS: '3600',
        ICE_TRANSPORT_POLICY: 'relay',
        ICE_SERVERS: '[{"urls":"stun:stun.example.test"}]',
      },
    });
    const rep = await broker.addRep();
    token = await broker.login(rep.email, rep.password);
  });
  afterAll(() => broker.close());

  it('gives rep and customer credentials of their own, expiring after TURN_TTL_SECONDS', async () => {
    const { session, self: rep } = await startSessionAs(broker.url, token);
    const customer = await joinByLink(broker.url, session.joinUrl!, 'Carl');
    for (const self of [rep, customer]) {
      expect(self.iceTransportPolicy).toBe('relay');
      expect(self.iceExpiresAt).toBe(clock + 3_600_000);
      expect(self.iceServers[0]).toEqual({ urls: 'stun:stun.example.test' });
      expect(self.iceServers[1]!.urls).toEqual(['turn:turn.example.test:3478?transport=udp', 'turns:turn.example.test:5349']);
      expectSigned(
        { iceServers: self.iceServers, iceTransportPolicy: 'relay', expiresAt: self.iceExpiresAt! },
        self.participantId,
      );
    }
  });

  it('renews them for whoever is in the live session', async () => {
    const { session, self: rep } = await startSessionAs(broker.url, token);
    const customer = await joinByLink(broker.url, session.joinUrl!, 'Carl');
    clock += 50 * 60_000;
    for (const [bearer, participantId] of [
      [token, rep.participantId],
      [customer.peerToken, customer.participantId],
    ] as const) {
      const res = await api('GET', `/api/sessions/${session.id}/ice`, { token: bearer });
      expect(res.status).toBe(200);
      const ice = v.parse(IceConfig, res.body);
      expect(ice.expiresAt).toBe(clock + 3_600_000);
      expectSigned(ice, participantId);
    }
  });

  it('refuses strangers, other sessions, people who left and malformed ids', async () => {
    const { session } = await startSessionAs(broker.url, token);
    const other = await startSessionAs(broker.url, token);
    const customer = await joinByLink(broker.url, session.joinUrl!, 'Carl');
    const path = (id: string) => `/api/sessions/${id}/ice`;
    expectError(await api('GET', path(session.id)), 401, 'unauthorized');
    expectError(await api('GET', path(session.id), { token: 'not-a-token' }), 401, 'unauthorized');
    // A customer of one session gets nothing for another, nor a rep who is not in it.
    expectError(await api('GET', path(other.session.id), { token: customer.peerToken }), 403, 'forbidden');
    const stranger = await broker.addRep();
    const strangerToken = await broker.login(stranger.email, stranger.password);
    expectError(await api('GET', path(session.id), { token: strangerToken }), 403, 'forbidden');
    expect((await api('GET', path('../me'), { token })).status).toBeGreaterThanOrEqual(400);
    expectError(await api('GET', path('x'.repeat(500)), { token }), 400, 'bad_request');
    // Someone who has left signs nothing more.
    expect((await api('POST', `/api/sessions/${session.id}/leave`, { token: customer.peerToken, body: {} })).status).toBe(200);
    expectError(await api('GET', path(session.id), { token: customer.peerToken }), 401, 'unauthorized');
    // Nor does anyone once the session has ended.
    const assistant = await assistByNumber(broker.url, other.session.number, strangerToken);
    expect(assistant.iceServers).toHaveLength(2);
    expect((await api('POST', `/api/sessions/${other.session.id}/end`, { token, body: {} })).status).toBe(200);
    expectError(await api('GET', path(other.session.id), { token }), 410, 'session_ended');
  });

  it('hands out no TURN credentials to someone who only knocks', async () => {
    const { session } = await startSessionAs(broker.url, token);
    const knock = await api('POST', '/api/join-by-number', { body: { number: session.number, name: 'Kim' } });
    expect(knock.body).not.toHaveProperty('self');
    expect(JSON.stringify(knock.body)).not.toContain('turn:');
  });
});
