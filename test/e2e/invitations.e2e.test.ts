import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type ReceivedMail, type TestSmtp } from '../helpers/smtp';
import { clickByRole, fillByLabel, launchRepBrowser, waitForText, waitUntil, type RepBrowser } from './browser';
import { createWorld, participantNames, REP, type World } from './fixtures';
import { openPopup, realSidePanelOpenedBy, signInFromOptions } from './pages/extension';
import { JoinPage } from './pages/join-page';
import type { SidePanel } from './pages/side-panel';
import { waitForLiveVideo } from './pages/video';

const COLLEAGUE = { email: 'alex@example.com', name: 'Alex Assistant', password: 'another horse battery' };

/** The first join or assist link in a message body. */
function linkIn(mail: ReceivedMail, kind: 'join' | 'assist'): string {
  const match = new RegExp(`http://127\\.0\\.0\\.1:\\d+/${kind}#[A-Za-z0-9_-]+`).exec(mail.text);
  if (!match) throw new Error(`No ${kind} link in: ${mail.text}`);
  return match[0];
}

/** Fills the invite dialog (in the panel or the popup) and clicks its action (Open email / Send invitation). */
async function inviteByDialog(page: Page, options: { role?: 'Customer' | 'Rep'; email: string; withMailProgram: boolean }) {
  if (options.role) await clickByRole(page, 'radio', options.role);
  await fillByLabel(page, 'Email address', options.email);
  const box = page.locator('::-p-aria([name="Send with my email program"][role="checkbox"])');
  const checked = await box.map((el) => (el as HTMLInputElement).checked).wait();
  if (checked !== options.withMailProgram) await box.click();
  await clickByRole(page, 'button', options.withMailProgram ? 'Open email' : 'Send invitation');
}

async function openInviteDialog(
  panel: SidePanel,
  options: { role?: 'Customer' | 'Rep'; email: string; withMailProgram: boolean },
) {
  await clickByRole(panel.page, 'button', 'Invite');
  await inviteByDialog(panel.page, options);
}

const closeDialog = (panel: SidePanel) => panel.page.locator('dialog ::-p-aria([name="Close"][role="button"])').click();

describe('invitations: email both ways, messenger text, Email on start, revoke, assistants', () => {
  let smtp: TestSmtp;
  let world: World;
  let colleague: Browser;
  let colleagueRep: RepBrowser;
  let session: { number: string; joinUrl: string };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    world = await createWorld({ env: { SMTP_URL: smtp.url } });
    await world.broker.addRep(COLLEAGUE);
    colleagueRep = await launchRepBrowser();
    colleague = colleagueRep.browser;
    await signInFromOptions(colleagueRep, world.broker.url, COLLEAGUE.email, COLLEAGUE.password);
  });
  afterAll(async () => {
    await colleague?.close();
    await world?.close();
    await smtp?.close();
  });

  it('the broker emails the customer; the customer joins with the link from the message', async () => {
    const { panel } = world;
    session = await panel.startSession();
    await openInviteDialog(panel, { role: 'Customer', email: 'casey@example.com', withMailProgram: false });
    await panel.waitForText('Invitation sent to casey@example.com.');
    const mail = await smtp.waitForMessage((m) => m.to.includes('casey@example.com'));
    expect(mail.text).toContain(session.number);
    await closeDialog(panel);

    const customer = await JoinPage.open(world.customerBrowser, linkIn(mail, 'join'));
    await customer.join('Casey Customer');
    await panel.waitForText('Casey Customer');
    await customer.page.close();
  });

  it('"Copy with instructions" gives the invitation as messenger text: link and number', async () => {
    const { panel } = world;
    await world.repBrowser.defaultBrowserContext().overridePermissions(world.rep.origin, ['clipboard-read']);
    await clickByRole(panel.page, 'button', 'Copy with instructions');
    await panel.waitForText('Invitation text copied');
    const text = await panel.page.evaluate(() => navigator.clipboard.readText());
    expect(text).toContain(session.joinUrl);
    expect(text).toContain(session.number);
    expect(text).toContain(`${world.broker.url}/`);
  });

  it('with "Send with my email program" the mailto link carries address, subject and body; no mail is sent', async () => {
    const { panel } = world;
    const before = smtp.messages.length;
    await openInviteDialog(panel, { role: 'Customer', email: "o'brien+help@example.com", withMailProgram: true });
    await panel.waitForText('Your email program should open');
    const href = await panel.page.$eval('[data-testid="mailto-link"]', (a) => a.getAttribute('href') ?? '');
    const url = new URL(href);
    expect(url.protocol).toBe('mailto:');
    expect(decodeURIComponent(url.pathname)).toBe("o'brien+help@example.com");
    expect(url.searchParams.get('subject')).toBeTruthy();
    const body = url.searchParams.get('body') ?? '';
    expect(body).toMatch(/http:\/\/127\.0\.0\.1:\d+\/join#[A-Za-z0-9_-]+/);
    expect(body).toContain(session.number);
    expect(body).toContain('\r\n');
    await closeDialog(panel);
    expect(smtp.messages.length).toBe(before);
    // The remembered choice: the next dialog starts with the box checked.
    await clickByRole(panel.page, 'button', 'Invite');
    const checked = await panel.page
      .locator('::-p-aria([name="Send with my email program"][role="checkbox"])')
      .map((el) => (el as HTMLInputElement).checked)
      .wait();
    expect(checked).toBe(true);
    await panel.page.locator('dialog ::-p-aria([name="Cancel"][role="button"])').click();
  });

  it('SMTP down: a clear error, no invitation left behind; "Try again" works once it is back', async () => {
    const { panel } = world;
    const repToken = await world.broker.login(REP.email, REP.password);
    const { sessions } = (await (
      await fetch(`${world.broker.url}/api/sessions`, { headers: { authorization: `Bearer ${repToken}` } })
    ).json()) as { sessions: { id: string }[] };
    const countInvites = async () =>
      (
        (await (
          await fetch(`${world.broker.url}/api/sessions/${sessions[0]!.id}/invites`, {
            headers: { authorization: `Bearer ${repToken}` },
          })
        ).json()) as { invites: unknown[] }
      ).invites.length;
    const invitesBefore = await countInvites();

    await smtp.stop();
    await openInviteDialog(panel, { role: 'Customer', email: 'dana@example.com', withMailProgram: false });
    await panel.waitForText('The invitation was not sent.');
    await panel.page.locator('::-p-aria([name="Use my email program instead"][role="button"])').wait();
    expect(await countInvites()).toBe(invitesBefore);

    await smtp.start();
    await clickByRole(panel.page, 'button', 'Try again');
    await panel.waitForText('Invitation sent to dana@example.com.');
    const mail = await smtp.waitForMessage((m) => m.to.includes('dana@example.com'));
    expect(linkIn(mail, 'join')).toBeTruthy();
    expect(await countInvites()).toBe(invitesBefore + 1);
    await closeDialog(panel);
  });

  it('a colleague joins as assistant from an emailed rep invitation, sees the screen and chat, has no control', async () => {
    const { panel } = world;
    await openInviteDialog(panel, { role: 'Rep', email: COLLEAGUE.email, withMailProgram: false });
    await panel.waitForText(`Invitation sent to ${COLLEAGUE.email}.`);
    await closeDialog(panel);
    const mail = await smtp.waitForMessage((m) => m.to.includes(COLLEAGUE.email));

    // Without the extension, the page says how to assist instead.
    const noExtension = await world.customerBrowser.newPage();
    await noExtension.goto(linkIn(mail, 'assist'));
    await waitForText(noExtension, 'To assist, install the Remote Support extension and sign in');
    await waitForText(noExtension, `type ${session.number}`);
    await noExtension.close();

    const assistPage = await colleague.newPage();
    await assistPage.goto(linkIn(mail, 'assist'));
    await waitForText(assistPage, `${REP.name} asks you to assist in session ${session.number}`);
    const assistant = await realSidePanelOpenedBy(colleague, () => clickByRole(assistPage, 'button', 'Assist in this session'));
    await waitForText(assistPage, 'Continue in the Remote Support side panel');
    await assistant.waitForText('You are assisting in this session.');
    await assistant.waitForText(session.number);
    await panel.waitForText(`${COLLEAGUE.name} joined as assistant`); // the controller is told

    // No control in the assistant's panel.
    for (const control of ['End session', 'Revoke invitations', 'Admit']) {
      expect(await assistant.page.$(`::-p-aria([name="${control}"][role="button"])`)).toBeNull();
    }
    await assistant.page.locator('::-p-aria([name="Leave session"][role="button"])').wait();
    await clickByRole(assistant.page, 'button', 'Invite');
    expect(await assistant.page.$('::-p-aria([name="Customer"][role="radio"])')).toBeNull();
    await assistant.page.locator('dialog ::-p-aria([name="Cancel"][role="button"])').click();

    // The customer shares and chats: the assistant sees both, and chats back.
    const customer = await JoinPage.open(world.customerBrowser, session.joinUrl);
    await customer.join('Erin Customer');
    await assistant.waitForText('Erin Customer');
    // Casey (from the first test) is still the customer being helped: Erin may share once chosen.
    await clickByRole(panel.page, 'button', 'Help this customer: Erin Customer');
    await customer.shareScreen();
    await assistant.waitForText("Erin Customer's screen");
    expect((await waitForLiveVideo(assistant.page, 5)).width).toBeGreaterThan(0);
    await customer.sendChat('Can you both see it?');
    await assistant.waitForText('Can you both see it?');
    await assistant.sendChat('Yes, I can see it', 'Erin Customer');
    await customer.waitForText('Yes, I can see it');
    await panel.waitForText('Yes, I can see it');

    await clickByRole(assistant.page, 'button', 'Leave session');
    await assistant.waitForText('You left the session');
    await customer.page.close();
    await assistPage.close();
    await assistant.page.close(); // the real side panel: the popup opens a fresh one next
  });

  it('a colleague assists by session number from the popup; the broker refuses their control calls', async () => {
    const popup = await openPopup(colleagueRep);
    await fillByLabel(popup, 'Session number', session.number);
    const assistant = await realSidePanelOpenedBy(colleague, () => clickByRole(popup, 'button', 'Assist'));
    await assistant.waitForText('You are assisting in this session.');
    expect(await participantNames(world.panel.page)).toEqual(expect.arrayContaining([expect.stringContaining(COLLEAGUE.name)]));

    const token = await world.broker.login(COLLEAGUE.email, COLLEAGUE.password);
    const post = (path: string, body: unknown = {}) =>
      fetch(world.broker.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    const { sessions } = (await (
      await fetch(`${world.broker.url}/api/sessions`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { sessions: { id: string; number: string }[] };
    const id = sessions.find((s) => s.number === session.number.replace(/ /g, ''))!.id;
    expect(await post(`/api/sessions/${id}/end`)).toBe(403);
    expect(await post(`/api/sessions/${id}/admit`, { waitId: 'wAAAAAAAAAAAAAAAAAAAAA' })).toBe(403);
    expect(await post(`/api/sessions/${id}/decline`, { waitId: 'wAAAAAAAAAAAAAAAAAAAAA' })).toBe(403);
    expect(await post(`/api/sessions/${id}/invites`, { role: 'customer', send: 'none' })).toBe(403);
    expect(await post(`/api/sessions/${id}/invites/revoke`, {})).toBe(403);
    await clickByRole(assistant.page, 'button', 'Leave session');
    await assistant.waitForText('You left the session');
    await popup.close().catch(() => undefined);
  });

  it('the popup invites a colleague to the current session', async () => {
    const popup = await openPopup(world.rep);
    await clickByRole(popup, 'button', 'Invite a colleague');
    await inviteByDialog(popup, { email: 'sam@example.com', withMailProgram: true });
    await waitForText(popup, 'Your email program should open');
    const href = await popup.$eval('[data-testid="mailto-link"]', (a) => a.getAttribute('href') ?? '');
    expect(new URL(href).searchParams.get('body')).toMatch(/\/assist#[A-Za-z0-9_-]+/);
    await popup.close();
  });

  it('sent invitations are listed with their state and revoked one by one', async () => {
    const { panel } = world;
    await panel.page.bringToFront(); // effects run on animation frames, which background tabs do not get
    await panel.page.locator('summary ::-p-text(Invitations sent)').click();
    await panel.waitForText('casey@example.com');
    const row = (who: string) =>
      panel.page.evaluate(
        (w) => [...document.querySelectorAll('.invite-list li')].find((li) => li.textContent?.includes(w))?.textContent ?? '',
        who,
      );
    expect(await row('casey@example.com')).toContain('active');
    expect(await row('casey@example.com')).toContain('sent by the server');
    await clickByRole(panel.page, 'button', 'Revoke the invitation to casey@example.com');
    await waitUntil(panel.page, () =>
      [...document.querySelectorAll('.invite-list li')].some(
        (li) => li.textContent?.includes('casey@example.com') && li.textContent.includes('revoked'),
      ),
    );
    // Only that one: the colleague's invitation still admits.
    expect(await row(COLLEAGUE.email)).toContain('active');
  });

  it('revoked links show a friendly error; the session gets a new link', async () => {
    const { panel } = world;
    const oldLink = session.joinUrl;
    await clickByRole(panel.page, 'button', 'Revoke invitations');
    await panel.page.locator('dialog ::-p-aria([name="Revoke invitations"][role="button"])').click();
    await panel.waitForText('Invitations revoked:');
    const { joinUrl } = await panel.sessionInfo();
    expect(joinUrl).not.toBe(oldLink);
    // A new customer (a fresh profile: earlier customers' pages remember their places in the session).
    const newcomer = await world.customerBrowser.createBrowserContext();
    const customer = await JoinPage.open(newcomer, oldLink);
    await customer.waitForText('This invitation is no longer valid');
    await newcomer.close();
  });

  it('"Email" beside Start session opens the customer invitation at once; unchecked it does not', async () => {
    const { panel } = world;
    await panel.endSession();
    await clickByRole(panel.page, 'button', 'Back');
    await clickByRole(panel.page, 'checkbox', 'Open an email invitation when the session starts');
    await panel.startSession();
    await panel.page.locator('dialog[aria-label="Invite to this session"]').wait();
    expect(await panel.page.$eval('input[name="invite-role"]:checked', (r) => r.parentElement?.textContent)).toBe('Customer');
    await panel.page.locator('dialog ::-p-aria([name="Cancel"][role="button"])').click();
    await panel.endSession();
    await clickByRole(panel.page, 'button', 'Back');

    // Remembered across a reload; then turned off.
    await panel.page.reload();
    const box = panel.page.locator('::-p-aria([name="Open an email invitation when the session starts"][role="checkbox"])');
    expect(await box.map((el) => (el as HTMLInputElement).checked).wait()).toBe(true);
    await box.click();
    await panel.startSession();
    await panel.waitForText('Waiting for the customer to join');
    expect(await panel.page.$('dialog[open]')).toBeNull();
  });
});
