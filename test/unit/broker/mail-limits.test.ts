import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';
import { call, expectError, startSessionAs } from './support';

let smtp: TestSmtp;
let broker: TestBroker;
let clock = Date.now();
let token: string;
let repId: string;

beforeAll(async () => {
  smtp = await startSmtpServer();
  broker = await startBroker({
    now: () => clock,
    env: { SMTP_URL: smtp.url, MAIL_PER_REP_PER_HOUR: '4', MAIL_PER_RECIPIENT_PER_HOUR: '2' },
  });
  const rep = await broker.addRep({ name: 'Rita Rep' });
  repId = rep.id;
  token = await broker.login(rep.email, rep.password);
});
afterAll(async () => {
  await broker.close();
  await smtp.close();
});

const invite = (sessionId: string, body: Record<string, unknown>, withToken = token) =>
  call(broker.url, 'POST', `/api/sessions/${sessionId}/invites`, { token: withToken, body });
const mailTo = (sessionId: string, email: string, role = 'customer', withToken = token) =>
  invite(sessionId, { role, email, send: 'server' }, withToken);
const refusals = async () => (await broker.store.listAudit()).filter((a) => a.action === 'invite-mail-refused');

async function assistant(sessionNumber: string) {
  const rep = await broker.addRep({ name: 'Cora Colleague' });
  const bearer = await broker.login(rep.email, rep.password);
  const res = await call(broker.url, 'POST', `/api/sessions/by-number/${sessionNumber}/assist`, { token: bearer });
  expect(res.status).toBe(201);
  return bearer;
}

describe('mail the broker sends', () => {
  it('is the controller’s: an assistant gets 403 and can still make a colleague invitation to send themselves', async () => {
    const { session } = await startSessionAs(broker.url, token);
    const cora = await assistant(session.number);
    const before = smtp.messages.length;
    for (const role of ['rep', 'customer']) {
      const res = await mailTo(session.id, 'someone@example.com', role, cora);
      expectError(res, 403, 'forbidden');
    }
    expect((await mailTo(session.id, 'someone@example.com', 'rep', cora)).body.error.message).toBe(
      'Only the rep in control of the session can have the broker send invitations. Send it from your own email program, or copy the link.',
    );
    expect((await invite(session.id, { role: 'rep', email: 'kolya@example.com', send: 'client' }, cora)).status).toBe(201);
    expect((await invite(session.id, { role: 'rep', send: 'none' }, cora)).status).toBe(201);
    // Customer invitations stay the controller's, however they go out.
    expectError(await invite(session.id, { role: 'customer', send: 'none' }, cora), 403, 'forbidden');
    expect(smtp.messages.length).toBe(before);
  });

  it('is limited per recipient, whoever sends, and counts again after an hour', async () => {
    clock += 2 * 3_600_000;
    const { session } = await startSessionAs(broker.url, token);
    const other = await broker.addRep();
    const otherToken = await broker.login(other.email, other.password);
    const { session: otherSession } = await startSessionAs(broker.url, otherToken);
    expect((await mailTo(session.id, 'Dora@Example.com')).status).toBe(201);
    expect((await mailTo(otherSession.id, 'dora@example.com', 'customer', otherToken)).status).toBe(201);
    const refused = await mailTo(session.id, 'dora@example.com');
    expectError(refused, 429, 'rate_limited');
    expect(refused.body.error.message).toBe(
      'This address has received several invitations in the last hour. Try again in 60 minutes.',
    );
    expect(refused.headers.get('retry-after')).toBe('3600');
    expect((await refusals()).at(-1)).toMatchObject({
      actor: `rep:${repId}`,
      sessionId: session.id,
      detail: { limit: 'recipient', email: 'dora@example.com', channel: 'server' },
    });
    // Another recipient is fine, and so is the same one through the rep's own mail program.
    expect((await mailTo(session.id, 'ed@example.com')).status).toBe(201);
    expect((await invite(session.id, { role: 'customer', email: 'dora@example.com', send: 'client' })).status).toBe(201);
    clock += 3_600_000;
    expect((await mailTo(session.id, 'dora@example.com')).status).toBe(201);
  });

  it('is limited per rep; a send the mail server refused does not count', async () => {
    clock += 2 * 3_600_000;
    const { session } = await startSessionAs(broker.url, token);
    smtp.refuseRecipient = (address) => (address.startsWith('nobody@') ? 'No such mailbox here' : undefined);
    try {
      expectError(await mailTo(session.id, 'nobody@example.com'), 502, 'mail_failed');
    } finally {
      smtp.refuseRecipient = undefined;
    }
    for (let i = 0; i < 4; i++) expect((await mailTo(session.id, `guest${i}@example.com`)).status).toBe(201);
    const refused = await mailTo(session.id, 'guest5@example.com');
    expectError(refused, 429, 'rate_limited');
    expect(refused.body.error.message).toBe(
      'You have had the broker send many invitations in the last hour. Send this one from your own email program, or copy the link. Try again in 60 minutes.',
    );
    expect((await refusals()).at(-1)?.detail).toMatchObject({ limit: 'rep', email: 'guest5@example.com' });
    expect(smtp.messages.some((m) => m.to.includes('guest5@example.com'))).toBe(false);
    // The rep can still hand the invitation out another way.
    expect((await invite(session.id, { role: 'customer', email: 'guest5@example.com', send: 'client' })).status).toBe(201);
  });
});
