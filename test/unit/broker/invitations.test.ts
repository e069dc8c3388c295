import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckInviteResponse, CreateInviteResponse, InviteList, JoinResponse, groupSessionNumber } from '../../../core/protocol';
import { startBroker, type TestBroker, type TestRep } from '../../helpers/broker';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';
import { call, expectError, linkToken, startSessionAs } from './support';

let smtp: TestSmtp;
let broker: TestBroker;
let clock = Date.now();
let rep: TestRep;
let token: string;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  smtp = await startSmtpServer();
  broker = await startBroker({
    now: () => clock,
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'Help Desk <help@example.com>', INVITE_TTL_HOURS: '2' },
  });
  rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterAll(async () => {
  await broker.close();
  await smtp.close();
});

const newSession = (withToken = token) => startSessionAs(broker.url, withToken);

async function invite(sessionId: string, body: Record<string, unknown>, withToken = token) {
  return api('POST', `/api/sessions/${sessionId}/invites`, { token: withToken, body });
}

async function colleague(name = 'Cora Colleague') {
  const r = await broker.addRep({ name });
  return { rep: r, token: await broker.login(r.email, r.password) };
}

const join = (inviteToken: string, name = 'Carl Customer') => api('POST', '/api/join', { body: { invite: inviteToken, name } });

describe('email sent by the broker', () => {
  it('reaches the customer with the link and the grouped number; the link in it admits', async () => {
    const { session } = await newSession();
    const res = await invite(session.id, { role: 'customer', email: 'carl@example.com', send: 'server' });
    expect(res.status).toBe(201);
    const body = v.parse(CreateInviteResponse, res.body);
    expect(body.sent).toBe(true);
    expect(body.invite.role).toBe('customer');
    expect(body.invite.expiresAt).toBe(clock + 2 * 3_600_000);

    const mail = await smtp.waitForMessage((m) => m.to.includes('carl@example.com'));
    expect(mail.from).toBe('help@example.com');
    expect(mail.headers.from).toContain('Help Desk');
    expect(mail.subject).toBe('Your support session with Rita Rep');
    expect(mail.subject).toBe(body.mail!.subject);
    expect(mail.text).toContain(groupSessionNumber(session.number));
    expect(mail.text).toContain(`go to ${broker.url}/ and enter the session number ${groupSessionNumber(session.number)}`);
    expect(mail.text).toMatch(/The link works until .+ UTC\./);
    const link = /https?:\/\/\S+\/join#[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    expect(link).toBe(body.invite.url);
    const joined = await join(linkToken(link!));
    expect(joined.status).toBe(201);
    expect(v.parse(JoinResponse, joined.body).sessionId).toBe(session.id);

    const audit = (await broker.store.listAudit(session.id)).find((a) => a.action === 'invite-create')!;
    expect(audit.detail).toMatchObject({ channel: 'server', role: 'customer', email: 'carl@example.com' });
    expect(JSON.stringify(audit)).not.toContain(linkToken(link!));
    expect(JSON.stringify(audit)).not.toContain('support session');
  });

  it('writes in Russian when asked, for colleagues too', async () => {
    const { session } = await newSession();
    const res = await invite(session.id, { role: 'rep', email: 'kolya@example.com', send: 'server', locale: 'ru' });
    expect(res.status).toBe(201);
    const mail = await smtp.waitForMessage((m) => m.to.includes('kolya@example.com'));
    expect(mail.subject).toBe('Rita Rep просит вас помочь в сеансе поддержки');
    expect(mail.text).toContain(`введите номер сеанса ${groupSessionNumber(session.number)}`);
    expect(mail.text).toContain('«Помочь в сеансе»');
    expect(mail.text).toContain(res.body.invite.url);
    expect(res.body.invite.url).toMatch(new RegExp(`^${broker.url}/assist#`));
  });

  it('SMTP down: a plain-words 502, nothing left behind, and a retry works once it is back', async () => {
    const { session } = await newSession();
    const before = smtp.messages.length;
    await smtp.stop();
    let failed;
    try {
      failed = await invite(session.id, { role: 'customer', email: 'dora@example.com', send: 'server' });
    } finally {
      await smtp.start();
    }
    expectError(failed, 502, 'mail_failed');
    expect(failed.body.error.message).toBe('The mail server at 127.0.0.1 could not be reached');
    const list = v.parse(InviteList, (await api('GET', `/api/sessions/${session.id}/invites`, { token })).body);
    expect(list.invites.map((i) => i.channel)).toEqual(['link']);
    const audit = (await broker.store.listAudit(session.id)).filter((a) => a.action.startsWith('invite-'));
    expect(audit.map((a) => a.action)).toEqual(['invite-mail-failed']);
    expect(audit[0]!.detail).toMatchObject({ email: 'dora@example.com', reason: failed.body.error.message });

    const retry = await invite(session.id, { role: 'customer', email: 'dora@example.com', send: 'server' });
    expect(retry.status).toBe(201);
    expect(retry.body.sent).toBe(true);
    const mail = await smtp.waitForMessage((m) => m.to.includes('dora@example.com'));
    expect(mail.text).toContain(retry.body.invite.url);
    expect(smtp.messages.length).toBe(before + 1);
  });

  it('passes on the mail server’s refusal in its own words', async () => {
    const { session } = await newSession();
    smtp.refuseRecipient = (address) => (address.startsWith('nobody@') ? 'No such mailbox here' : undefined);
    try {
      const res = await invite(session.id, { role: 'customer', email: 'nobody@example.com', send: 'server' });
      expectError(res, 502, 'mail_failed');
      expect(res.body.error.message).toMatch(/^The mail server refused the message: 550.*No such mailbox here/);
    } finally {
      smtp.refuseRecipient = undefined;
    }
    expect(smtp.messages.some((m) => m.to.includes('nobody@example.com'))).toBe(false);
  });

  it('says so in capabilities', async () => {
    expect((await api('GET', '/api/capabilities')).body).toEqual({
      serverMail: true,
      inviteTtlHours: 2,
      siteUrl: `${broker.url}/`,
    });
  });
});

describe('email for the rep’s own mail program', () => {
  it('is a correctly encoded mailto and nothing goes through the mail server', async () => {
    const { session } = await newSession();
    const before = smtp.messages.length;
    const res = await invite(session.id, { role: 'customer', email: 'ann+help@example.com', send: 'client' });
    expect(res.status).toBe(201);
    const { invite: made, mail, sent } = v.parse(CreateInviteResponse, res.body);
    expect(sent).toBeUndefined();
    expect(mail!.to).toBe('ann+help@example.com');
    expect(mail!.text).toContain(made.url);
    expect(mail!.text).toContain(groupSessionNumber(session.number));
    expect(mail!.mailto.startsWith('mailto:ann%2Bhelp@example.com?subject=')).toBe(true);
    const url = new URL(mail!.mailto);
    expect(url.searchParams.get('subject')).toBe('Your support session with Rita Rep');
    expect(url.searchParams.get('body')).toBe(mail!.text.replace(/\n/g, '\r\n'));

    // No address: the rep fills it in in the mail program.
    const blank = await invite(session.id, { role: 'rep', send: 'client' });
    expect(blank.body.mail.to).toBe('');
    expect(blank.body.mail.mailto.startsWith('mailto:?subject=')).toBe(true);
    expect(blank.body.mail.text).toContain('choose "Assist in a session" in the Remote Support extension');

    const list = v.parse(InviteList, (await api('GET', `/api/sessions/${session.id}/invites`, { token })).body).invites;
    expect(list.map((i) => [i.role, i.channel, i.email])).toEqual([
      ['rep', 'client', null],
      ['customer', 'client', 'ann+help@example.com'],
      ['customer', 'link', null],
    ]);
    expect(smtp.messages.length).toBe(before);
  });
});

describe('invite list and revoke', () => {
  it('lists every invite, newest first, with who made it', async () => {
    const { session } = await newSession();
    clock += 1;
    await invite(session.id, { role: 'customer', send: 'none' });
    const list = v.parse(InviteList, (await api('GET', `/api/sessions/${session.id}/invites`, { token })).body).invites;
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ role: 'customer', channel: 'none', email: null, createdBy: 'Rita Rep', revokedAt: null });
    expect(list[1]).toMatchObject({ channel: 'link', createdBy: 'Rita Rep' });
    expect(list[0]!.createdAt).toBeGreaterThan(list[1]!.createdAt);
  });

  it('revokes one invite; the others keep working', async () => {
    const { session } = await newSession();
    const a = (await invite(session.id, { role: 'customer', send: 'none' })).body.invite;
    const b = (await invite(session.id, { role: 'customer', send: 'none' })).body.invite;
    const res = await api('POST', `/api/sessions/${session.id}/invites/revoke`, { token, body: { inviteId: a.id } });
    expect(res.status).toBe(200);
    expect(res.body.revoked).toBe(1);
    expect(res.body.session.joinUrl).toBe(session.joinUrl); // the session's link was not touched
    const dead = await join(linkToken(a.url));
    expectError(dead, 410, 'invite_expired');
    expect(dead.body.error.message).toBe('This invitation is no longer valid. Ask your representative for a new link.');
    expectError(await api('POST', '/api/invites/check', { body: { invite: linkToken(a.url) } }), 410, 'invite_expired');
    expect((await join(linkToken(b.url))).status).toBe(201);
    expect((await join(linkToken(session.joinUrl!))).status).toBe(201);
    // Revoking it again changes nothing; an unknown id is 404.
    expect(
      (await api('POST', `/api/sessions/${session.id}/invites/revoke`, { token, body: { inviteId: a.id } })).body.revoked,
    ).toBe(0);
    expectError(
      await api('POST', `/api/sessions/${session.id}/invites/revoke`, { token, body: { inviteId: 'A'.repeat(22) } }),
      404,
      'not_found',
    );
    const list = v.parse(InviteList, (await api('GET', `/api/sessions/${session.id}/invites`, { token })).body).invites;
    expect(list.find((i) => i.id === a.id)!.revokedAt).toBe(clock);
  });

  it('revokes all outstanding invites and gives the session a new link', async () => {
    const { session } = await newSession();
    const a = (await invite(session.id, { role: 'customer', send: 'none' })).body.invite;
    const r = (await invite(session.id, { role: 'rep', send: 'none' })).body.invite;
    const res = await api('POST', `/api/sessions/${session.id}/invites/revoke`, { token, body: {} });
    expect(res.status).toBe(200);
    expect(res.body.revoked).toBe(3);
    const newLink = res.body.session.joinUrl as string;
    expect(newLink).toMatch(new RegExp(`^${broker.url}/join#[A-Za-z0-9_-]{32}$`));
    expect(newLink).not.toBe(session.joinUrl);
    for (const old of [a.url, r.url, session.joinUrl!]) {
      expectError(await api('POST', '/api/invites/check', { body: { invite: linkToken(old) } }), 410, 'invite_expired');
    }
    expectError(await join(linkToken(session.joinUrl!)), 410, 'invite_expired');
    expect((await join(linkToken(newLink))).status).toBe(201);
    const detail = await api('GET', `/api/sessions/${session.id}`, { token });
    expect(detail.body.session.joinUrl).toBe(newLink);
    const list = v.parse(InviteList, (await api('GET', `/api/sessions/${session.id}/invites`, { token })).body).invites;
    expect(list.filter((i) => i.revokedAt === null).map((i) => i.channel)).toEqual(['link']);
    expect((await broker.store.listAudit(session.id)).some((a) => a.action === 'invite-revoke')).toBe(true);
  });

  it('the session link alone can be revoked, and rotates', async () => {
    const { session } = await newSession();
    const list = v.parse(InviteList, (await api('GET', `/api/sessions/${session.id}/invites`, { token })).body).invites;
    const res = await api('POST', `/api/sessions/${session.id}/invites/revoke`, { token, body: { inviteId: list[0]!.id } });
    expect(res.body.revoked).toBe(1);
    expect(res.body.session.joinUrl).not.toBe(session.joinUrl);
    expectError(await join(linkToken(session.joinUrl!)), 410, 'invite_expired');
    expect((await join(linkToken(res.body.session.joinUrl))).status).toBe(201);
  });

  it('customers see no invites and revoke nothing', async () => {
    const { session } = await newSession();
    const customer = (await join(linkToken(session.joinUrl!))).body.self;
    expectError(await api('GET', `/api/sessions/${session.id}/invites`, { token: customer.peerToken }), 403, 'forbidden');
    expectError(
      await api('POST', `/api/sessions/${session.id}/invites/revoke`, { token: customer.peerToken, body: {} }),
      403,
      'forbidden',
    );
    const stranger = await colleague('Stan Stranger');
    expectError(await api('GET', `/api/sessions/${session.id}/invites`, { token: stranger.token }), 403, 'forbidden');
  });
});

describe('colleague invites', () => {
  it('open /assist, name the session number, and admit the colleague as assistant (once)', async () => {
    const { session, self: controller } = await newSession();
    const res = await invite(session.id, { role: 'rep', send: 'none' });
    expect(res.status).toBe(201);
    const { url } = res.body.invite;
    expect(url).toMatch(new RegExp(`^${broker.url}/assist#[A-Za-z0-9_-]{32}$`));

    const check = await api('POST', '/api/invites/check', { body: { invite: linkToken(url) } });
    expect(v.parse(CheckInviteResponse, check.body).invite).toMatchObject({
      role: 'rep',
      repName: 'Rita Rep',
      sessionNumber: session.number,
    });
    const customerCheck = await api('POST', '/api/invites/check', { body: { invite: linkToken(session.joinUrl!) } });
    expect(customerCheck.body.invite.sessionNumber).toBeUndefined();

    const asCustomer = await join(linkToken(url));
    expectError(asCustomer, 400, 'unsupported');
    expect(asCustomer.body.error.message).toBe('This invitation is for a colleague. Open it with the Remote Support extension.');
    expectError(await api('POST', '/api/assist', { body: { invite: linkToken(url) } }), 401, 'unauthorized');

    const cora = await colleague();
    const assisted = await api('POST', '/api/assist', { token: cora.token, body: { invite: linkToken(url) } });
    expect(assisted.status).toBe(201);
    const joined = v.parse(JoinResponse, assisted.body);
    expect(joined.sessionId).toBe(session.id);
    expect(joined.self).toMatchObject({ role: 'assistant', name: 'Cora Colleague' });

    const again = await api('POST', '/api/assist', { token: cora.token, body: { invite: linkToken(url) } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(assisted.body);
    // The controller following the link stays the controller.
    const own = await api('POST', '/api/assist', { token, body: { invite: linkToken(url) } });
    expect(own.status).toBe(200);
    expect(own.body.self).toEqual(controller);

    const detail = await api('GET', `/api/sessions/${session.id}`, { token: cora.token });
    expect(detail.body.self).toEqual(joined.self); // the same secret after a panel reload
    expect(detail.body.session.joinUrl).toBeUndefined();
    expect(detail.body.participants.map((p: { role: string }) => p.role)).toEqual(['controller', 'assistant']);
    expect((await broker.store.listAudit(session.id)).filter((a) => a.action === 'assist')).toHaveLength(1);
  });

  it('an assistant may invite colleagues but not customers; a customer link does not make an assistant', async () => {
    const { session } = await newSession();
    const cora = await colleague();
    expect((await api('POST', `/api/sessions/by-number/${session.number}/assist`, { token: cora.token })).status).toBe(201);
    const repInvite = await invite(session.id, { role: 'rep', send: 'none' }, cora.token);
    expect(repInvite.status).toBe(201);
    const list = v.parse(InviteList, (await api('GET', `/api/sessions/${session.id}/invites`, { token: cora.token })).body);
    expect(list.invites[0]).toMatchObject({ role: 'rep', createdBy: 'Cora Colleague' });
    const check = await api('POST', '/api/invites/check', { body: { invite: linkToken(repInvite.body.invite.url) } });
    expect(check.body.invite.repName).toBe('Cora Colleague');
    expectError(await invite(session.id, { role: 'customer', send: 'none' }, cora.token), 403, 'forbidden');

    const dan = await colleague('Dan');
    const wrong = await api('POST', '/api/assist', { token: dan.token, body: { invite: linkToken(session.joinUrl!) } });
    expectError(wrong, 400, 'unsupported');
  });

  it('customers cannot invite colleagues', async () => {
    const { session } = await newSession();
    const customer = (await join(linkToken(session.joinUrl!))).body.self;
    expectError(await invite(session.id, { role: 'rep', send: 'none' }, customer.peerToken), 403, 'forbidden');
  });
});
