import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JoinResponse, SessionDetail } from '../../../core/protocol';
import { startBroker, type TestBroker, type TestRep } from '../../helpers/broker';
import { call, expectError, linkToken, startSessionAs } from './support';

let broker: TestBroker;
let clock = Date.now();
let rep: TestRep;
let token: string;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  broker = await startBroker({ now: () => clock, env: { INVITE_TTL_HOURS: '1' } });
  rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterAll(() => broker.close());

const newSession = (withToken = token) => startSessionAs(broker.url, withToken);

async function joinSession(invite: string, name = 'Carl Customer') {
  return api('POST', '/api/join', { body: { invite, name } });
}

describe('account', () => {
  it('signs in, tells who is signed in, signs out', async () => {
    const login = await api('POST', '/api/login', { body: { email: rep.email.toUpperCase(), password: rep.password } });
    expect(login.status).toBe(200);
    expect(login.body.rep).toEqual({
      id: rep.id,
      email: rep.email,
      name: 'Rita Rep',
      isAdmin: false,
      isAgent: false,
      maxCustomers: 5,
      mode: 'multi', // the test helper's default (the product's is single)
    });
    const t = login.body.token as string;
    expect((await api('GET', '/api/me', { token: t })).body.rep.id).toBe(rep.id);
    expect((await api('POST', '/api/logout', { token: t })).body).toEqual({ ok: true });
    expectError(await api('GET', '/api/me', { token: t }), 401, 'unauthorized');
  });

  it('says only that email or password is incorrect', async () => {
    const wrong = await api('POST', '/api/login', { body: { email: rep.email, password: 'nope-nope' } });
    expectError(wrong, 401, 'unauthorized');
    expect(wrong.body.error.message).toBe('Email or password is incorrect');
    const unknown = await api('POST', '/api/login', { body: { email: 'who@example.test', password: 'nope-nope' } });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('limits sign-in attempts per address and email', async () => {
    const victim = await broker.addRep();
    const attempt = () => api('POST', '/api/login', { body: { email: victim.email, password: 'guess-guess' } });
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expectError(limited, 429, 'rate_limited');
    expect(limited.body.error.message).toBe('Too many failed sign-ins for this account from here. Try again in 60 seconds.');
    expect(limited.headers.get('retry-after')).toBe('60');
    clock += 61_000;
    expect((await api('POST', '/api/login', { body: { email: victim.email, password: victim.password } })).status).toBe(200);
  });

  it('audits sign-ins without secrets', async () => {
    const actions = (await broker.store.listAudit()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['login', 'logout', 'login-failed']));
  });
});

describe('sessions', () => {
  it('creates a session with the rep as controller and a customer link', async () => {
    const { session, self } = await newSession();
    expect(session).toMatchObject({ status: 'live', endedAt: null });
    expect(session.number).toMatch(/^[1-9]\d{8}$/);
    expect(session.joinUrl).toMatch(new RegExp(`^${broker.url}/join#[A-Za-z0-9_-]{32}$`));
    expect(self).toMatchObject({ role: 'controller', name: 'Rita Rep', iceServers: [] });
    const detail = v.parse(SessionDetail, (await api('GET', `/api/sessions/${session.id}`, { token })).body);
    expect(detail.lastSeq).toBe(1);
    expect(detail.self).toEqual(self); // the same secret again after a panel reload
    expect(detail.session.joinUrl).toBe(session.joinUrl);
    expect(detail.participants).toEqual([expect.objectContaining({ id: self.participantId, role: 'controller', leftAt: null })]);
  });

  it('lists the rep’s live sessions, newest first', async () => {
    const other = await broker.addRep();
    const otherToken = await broker.login(other.email, other.password);
    const first = await newSession(otherToken);
    clock += 1;
    const second = await newSession(otherToken);
    const list = await api('GET', '/api/sessions', { token: otherToken });
    expect(list.body.sessions.map((s: { id: string }) => s.id)).toEqual([second.session.id, first.session.id]);
    expect(list.body.sessions[0].joinUrl).toBe(second.session.joinUrl);
    await api('POST', `/api/sessions/${first.session.id}/end`, { token: otherToken });
    expect((await api('GET', '/api/sessions', { token: otherToken })).body.sessions).toHaveLength(1);
  });

  it('admits customers by link; they can read their session with their own token', async () => {
    const { session } = await newSession();
    const joined = await joinSession(linkToken(session.joinUrl!));
    expect(joined.status).toBe(201);
    const { sessionId, self, detail: atJoin } = v.parse(JoinResponse, joined.body);
    expect(sessionId).toBe(session.id);
    expect(self.role).toBe('customer');
    // The answer carries the session as the newcomer would read it, so the join page need not ask again.
    expect(atJoin?.self).toEqual(self);
    expect(atJoin?.participants.map((p) => p.name)).toEqual(['Rita Rep', 'Carl Customer']);
    expect(atJoin?.lastSeq).toBe(3); // started, joined, became the active customer
    // The link admits several customers while it is valid.
    expect((await joinSession(linkToken(session.joinUrl!), 'Second')).status).toBe(201);

    const detail = v.parse(SessionDetail, (await api('GET', `/api/sessions/${sessionId}`, { token: self.peerToken })).body);
    expect(detail.self).toEqual(self);
    expect(detail.session.joinUrl).toBeUndefined();
    expect(detail.participants.map((p) => p.name)).toEqual(['Rita Rep', 'Carl Customer', 'Second']);
    // joined ×3 and the first customer becoming the active one
    expect(detail.lastSeq).toBe(4);
    expect(detail.activeCustomerId).toBe(self.participantId);

    // A customer's token opens nothing else.
    expectError(await api('GET', '/api/me', { token: self.peerToken }), 401, 'unauthorized');
    expectError(await api('POST', '/api/sessions', { token: self.peerToken }), 401, 'unauthorized');
    const other = await newSession();
    expectError(await api('GET', `/api/sessions/${other.session.id}`, { token: self.peerToken }), 403, 'forbidden');
    expectError(await api('POST', `/api/sessions/${sessionId}/end`, { token: self.peerToken }), 403, 'forbidden');
    expectError(
      await api('POST', `/api/sessions/${sessionId}/invites`, {
        token: self.peerToken,
        body: { role: 'customer', send: 'none' },
      }),
      403,
      'forbidden',
    );
  });

  it('keeps other reps out', async () => {
    const { session } = await newSession();
    const stranger = await broker.addRep();
    const strangerToken = await broker.login(stranger.email, stranger.password);
    expectError(await api('GET', `/api/sessions/${session.id}`, { token: strangerToken }), 403, 'forbidden');
    expectError(await api('POST', `/api/sessions/${session.id}/end`, { token: strangerToken }), 403, 'forbidden');
    expectError(await api('GET', '/api/sessions/AAAAAAAAAAAAAAAAAAAAAA', { token }), 404, 'not_found');
  });

  it('lets customers leave (twice is harmless) but not the controller', async () => {
    const { session } = await newSession();
    const { self } = (await joinSession(linkToken(session.joinUrl!))).body;
    expect((await api('POST', `/api/sessions/${session.id}/leave`, { token: self.peerToken })).body).toEqual({ ok: true });
    const detail = (await api('GET', `/api/sessions/${session.id}`, { token: self.peerToken })).body;
    expect(detail.self).toBeUndefined();
    expect(detail.participants[1].leftAt).toEqual(expect.any(Number));
    // joined ×2, active-customer, left, active-customer null
    expect(detail.lastSeq).toBe(5);
    expect(detail.activeCustomerId).toBeNull();
    expect((await api('POST', `/api/sessions/${session.id}/leave`, { token })).status).toBe(409);
  });

  it('ends a session: everyone out, the link stops admitting, a second end is 410', async () => {
    const { session } = await newSession();
    const { self } = (await joinSession(linkToken(session.joinUrl!))).body;
    expect((await api('POST', `/api/sessions/${session.id}/end`, { token })).body).toEqual({ ok: true });

    const asRep = v.parse(SessionDetail, (await api('GET', `/api/sessions/${session.id}`, { token })).body);
    expect(asRep.session.status).toBe('ended');
    expect(asRep.session.endedAt).toEqual(expect.any(Number));
    expect(asRep.self).toBeUndefined();
    expect(asRep.participants.every((p) => p.leftAt !== null)).toBe(true);
    const asCustomer = await api('GET', `/api/sessions/${session.id}`, { token: self.peerToken });
    expect(asCustomer.status).toBe(200);
    expect(asCustomer.body.session.status).toBe('ended');

    const again = await joinSession(linkToken(session.joinUrl!));
    expectError(again, 410, 'session_ended');
    expect(again.body.error.message).toBe('The session has ended');
    expectError(await api('POST', `/api/sessions/${session.id}/end`, { token }), 410, 'session_ended');
    expectError(
      await api('POST', `/api/sessions/${session.id}/invites`, { token, body: { role: 'customer', send: 'none' } }),
      410,
      'session_ended',
    );
    expectError(await api('POST', `/api/sessions/${session.id}/leave`, { token: self.peerToken }), 410, 'session_ended');
    expect((await api('GET', '/api/sessions', { token })).body.sessions.map((s: { id: string }) => s.id)).not.toContain(
      session.id,
    );
    const audit = (await broker.store.listAudit(session.id)).map((a) => a.action);
    expect(audit).toEqual(['session-create', 'join', 'end']);
  });
});

describe('invites', () => {
  it('makes a new link, and a ready-to-send email for the rep’s mail program', async () => {
    const { session } = await newSession();
    const res = await api('POST', `/api/sessions/${session.id}/invites`, {
      token,
      body: { role: 'customer', email: 'carl+help@example.com', send: 'client' },
    });
    expect(res.status).toBe(201);
    const { invite, mail } = res.body;
    expect(invite.url).toMatch(new RegExp(`^${broker.url}/join#[A-Za-z0-9_-]{32}$`));
    expect(invite.expiresAt).toBe(clock + 3_600_000);
    expect(mail.to).toBe('carl+help@example.com');
    expect(mail.text).toContain(invite.url);
    expect(mail.mailto.startsWith('mailto:carl%2Bhelp@example.com?subject=')).toBe(true);
    const url = new URL(mail.mailto);
    expect(url.searchParams.get('subject')).toBe(mail.subject);
    expect(url.searchParams.get('body')).toBe(mail.text.replace(/\n/g, '\r\n'));
    expect((await joinSession(linkToken(invite.url))).status).toBe(201);

    const plain = await api('POST', `/api/sessions/${session.id}/invites`, { token, body: { role: 'customer', send: 'none' } });
    expect(plain.body.mail).toBeUndefined();
    expect((await broker.store.listAudit(session.id)).filter((a) => a.action === 'invite-create')).toHaveLength(2);
  });

  it('without SMTP_URL, refuses to send email itself and says why', async () => {
    const { session } = await newSession();
    const res = await api('POST', `/api/sessions/${session.id}/invites`, {
      token,
      body: { role: 'customer', email: 'a@example.com', send: 'server' },
    });
    expectError(res, 400, 'unsupported');
    expect(res.body.error.message).toMatch(/no mail server set up \(SMTP_URL\).*your own email program/);
    expect((await api('GET', '/api/capabilities')).body).toEqual({
      serverMail: false,
      inviteTtlHours: 1,
      siteUrl: `${broker.url}/`,
    });
  });

  it('expire', async () => {
    const { session } = await newSession();
    const { invite } = (
      await api('POST', `/api/sessions/${session.id}/invites`, { token, body: { role: 'customer', send: 'none' } })
    ).body;
    clock += 3_600_000;
    const expired = await joinSession(linkToken(invite.url));
    expectError(expired, 410, 'invite_expired');
    expect(expired.body.error.message).toBe('This invitation is no longer valid. Ask your representative for a new link.');
    // The session's own link lives as long as the session (test/unit/broker/session-link.test.ts).
    expect((await joinSession(linkToken(session.joinUrl!))).status).toBe(201);
  });

  it('a link can be checked before joining: who invites, or why it no longer works', async () => {
    const { session } = await newSession();
    const check = (invite: string) => api('POST', '/api/invites/check', { body: { invite } });
    const ok = await check(linkToken(session.joinUrl!));
    expect(ok.status).toBe(200);
    expect(ok.body.invite).toMatchObject({ role: 'customer', repName: 'Rita Rep' });
    expectError(await check('B'.repeat(32)), 404, 'invite_not_found');
    expectError(await check('bad token!'), 400, 'bad_request');
    await api('POST', `/api/sessions/${session.id}/end`, { token });
    expectError(await check(linkToken(session.joinUrl!)), 410, 'session_ended');
  });

  it('unknown links are not found', async () => {
    const res = await joinSession('A'.repeat(32));
    expectError(res, 404, 'invite_not_found');
    expect(res.body.error.message).toBe('This invitation link is not valid');
    expectError(await joinSession('short'), 400, 'bad_request');
  });
});

describe('bad input never reaches a 500', () => {
  it.each([
    ['malformed JSON', () => api('POST', '/api/login', { raw: '{"email":' }), 400, 'bad_request'],
    ['a JSON string', () => api('POST', '/api/login', { raw: '"hello"' }), 400, 'bad_request'],
    ['no body', () => api('POST', '/api/login'), 400, 'bad_request'],
    [
      'a form body',
      () => api('POST', '/api/join', { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      400,
      'bad_request',
    ],
    ['wrong types', () => api('POST', '/api/login', { body: { email: 1, password: [] } }), 400, 'bad_request'],
    ['a bad email', () => api('POST', '/api/login', { body: { email: 'nope', password: 'x' } }), 400, 'bad_request'],
    ['an empty name', () => api('POST', '/api/join', { body: { invite: 'A'.repeat(32), name: '   ' } }), 400, 'bad_request'],
    [
      'a body over 64 KB',
      () => api('POST', '/api/join', { body: { invite: 'A'.repeat(32), name: 'x'.repeat(70_000) } }),
      413,
      'too_large',
    ],
    ['an unknown route', () => api('GET', '/api/nothing-here'), 404, 'not_found'],
    ['an unknown page', () => api('GET', '/definitely/not/here'), 404, 'not_found'],
    ['a wrong method', () => api('DELETE', '/api/sessions'), 404, 'not_found'],
    ['no bearer', () => api('GET', '/api/me'), 401, 'unauthorized'],
    ['a made-up bearer', () => api('GET', '/api/me', { token: 'A'.repeat(43) }), 401, 'unauthorized'],
    ['a malformed bearer', () => api('GET', '/api/me', { headers: { authorization: 'Bearer <script>' } }), 401, 'unauthorized'],
    ['a malformed session id', () => api('GET', '/api/sessions/$$$', { token }), 400, 'bad_request'],
    ['a broken %-escape', () => api('GET', '/api/sessions/%E0%A4%A', { token }), 400, 'bad_request'],
  ])('%s → %s %s', async (_name, request, status, code) => {
    const res = await request();
    expectError(res, status, code);
  });

  it('reports the valibot message', async () => {
    const res = await api('POST', '/api/join', { body: { invite: 'A'.repeat(32), name: '' } });
    expect(res.body.error.message).toBe('Please enter a name');
    const types = await api('POST', '/api/login', { body: { email: 1, password: 'x' } });
    expect(types.body.error.message).toMatch(/^email: Invalid type/);
  });
});

describe('HTTP hygiene', () => {
  it('sends security headers everywhere and no x-powered-by', async () => {
    for (const path of ['/api/me', '/', '/nope']) {
      const res = await api('GET', path);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('allows CORS for the extensions and the public origin only', async () => {
    const preflight = (origin: string) =>
      api('OPTIONS', '/api/sessions', {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    for (const origin of ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'moz-extension://1234-abcd', broker.url]) {
      const res = await preflight(origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-headers')).toContain('Authorization');
    }
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('stores no token in the clear', async () => {
    const { session, self } = await newSession();
    const customer = (await joinSession(linkToken(session.joinUrl!))).body.self;
    const { invite } = (
      await api('POST', `/api/sessions/${session.id}/invites`, { token, body: { role: 'customer', send: 'none' } })
    ).body;
    const knock = (await api('POST', '/api/join-by-number', { body: { number: session.number, name: 'Kim' } })).body;
    await api('POST', `/api/sessions/${session.id}/admit`, { token, body: { waitId: knock.waitId } });
    const admitted = (await api('POST', '/api/join-by-number/status', { body: { waitToken: knock.waitToken } })).body;
    expect(admitted.status).toBe('admitted');
    const secrets = [
      token,
      self.peerToken,
      customer.peerToken,
      linkToken(session.joinUrl!),
      linkToken(invite.url),
      rep.password,
      knock.waitToken,
      admitted.self.peerToken,
    ];
    // Checkpoint so the WAL's content is in the main file too; read every file of the directory.
    (broker.store as unknown as { database: { db: { pragma(s: string): unknown } } }).database.db.pragma('wal_checkpoint(FULL)');
    const files = readdirSync(broker.dataDir).map((f) => readFileSync(join(broker.dataDir, f)).toString('latin1'));
    const all = files.join('\n');
    expect(all).toContain(session.id); // the files are really being read
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});
