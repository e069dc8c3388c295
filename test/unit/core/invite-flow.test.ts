import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrokerClient } from '../../../core/broker/client';
import { createInviteFlow } from '../../../core/invite/invite-flow';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { startSmtpServer, type TestSmtp } from '../../helpers/smtp';

describe('invite flow against a real broker and mail server', () => {
  let smtp: TestSmtp;
  let broker: TestBroker;
  let invite: ReturnType<typeof createBrokerClient>['createInvite'];
  let sessionId: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    broker = await startBroker({ env: { SMTP_URL: smtp.url } });
    const rep = await broker.addRep({ name: 'Rita' });
    const token = await broker.login(rep.email, rep.password);
    const client = createBrokerClient({ baseUrl: broker.url, getToken: () => token });
    sessionId = (await client.createSession()).session.id;
    invite = client.createInvite;
  });
  afterAll(async () => {
    await broker.close();
    await smtp.close();
  });

  const flowWith = (opened: string[]) =>
    createInviteFlow({ invite: (request) => invite(sessionId, request), openMailto: (url) => opened.push(url), locale: 'en' });

  it('"Send with my email program" opens a mailto with the link and sends nothing', async () => {
    const opened: string[] = [];
    const flow = flowWith(opened);
    const before = smtp.messages.length;
    await flow.submit({ role: 'customer', email: 'casey@example.com', withMailProgram: true });
    expect(flow.state.value).toMatchObject({ name: 'opened' });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(/^mailto:casey@example\.com\?subject=.+&body=.*%2Fjoin%23/);
    expect(smtp.messages.length).toBe(before);
  });

  it('the broker sends it; with the mail server down it fails in plain words, then retries or falls back', async () => {
    const opened: string[] = [];
    const flow = flowWith(opened);
    await flow.submit({ role: 'rep', email: 'alex@example.com', withMailProgram: false });
    expect(flow.state.value).toEqual({ name: 'sent', to: 'alex@example.com' });
    expect((await smtp.waitForMessage((m) => m.to.includes('alex@example.com'))).text).toMatch(/\/assist#/);

    await smtp.stop();
    await flow.submit({ role: 'customer', email: 'dana@example.com', withMailProgram: false });
    const failed = flow.state.value;
    expect(failed.name).toBe('failed');
    expect(failed.name === 'failed' && failed.message).toMatch(/mail server/i);
    await flow.useMailProgram();
    expect(flow.state.value).toMatchObject({ name: 'opened' });
    expect(opened[0]).toMatch(/^mailto:dana@example\.com/);

    await flow.submit({ role: 'customer', email: 'erin@example.com', withMailProgram: false });
    expect(flow.state.value.name).toBe('failed');
    await smtp.start();
    await flow.retry();
    expect(flow.state.value).toEqual({ name: 'sent', to: 'erin@example.com' });
  });
});
