import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, fillByLabel, waitForText, waitUntil } from './browser';
import { createWorld, REP, type World } from './fixtures';
import { JoinPage } from './pages/join-page';
import { checkScreen, PHONE, SIDE_PANEL } from './screens';

const ORG = 'Acme Help Desk';

/** The element that has the keyboard: its accessible name (label) and tag. */
const focused = (customer: JoinPage) =>
  customer.page.evaluate(() => ({
    tag: document.activeElement?.tagName,
    label: document.activeElement?.getAttribute('aria-label'),
  }));

describe('the customer page on a phone: focus, leaving on purpose, a next step from every end', () => {
  let world: World;
  let joinUrl: string;
  let number: string;
  let customer: JoinPage;

  beforeAll(async () => {
    world = await createWorld({ env: { ORG_NAME: ORG } });
    await world.panel.page.setViewport(SIDE_PANEL);
    ({ joinUrl, number } = await world.panel.startSession());
  });
  afterAll(() => world?.close());

  it('the name form names the organisation; after Join the cursor is in the message box and the number is shown', async () => {
    customer = await JoinPage.open(world.customerBrowser, joinUrl);
    await customer.page.setViewport(PHONE);
    await customer.waitForText(ORG);
    await customer.waitForText(`${REP.name} invites you`);
    await checkScreen(customer.page, 'customer-name-form');
    await customer.join('Casey Customer');
    await waitUntil(customer.page, () => document.activeElement?.tagName === 'TEXTAREA');
    expect(await focused(customer)).toEqual({ tag: 'TEXTAREA', label: 'Message' });
    expect(await customer.page.$eval('[data-testid="session-number"]', (el) => el.textContent)).toBe(number);
    await customer.waitForText(ORG);
    // A stray Space types a space; it takes nobody out.
    await customer.page.keyboard.press('Space');
    expect(await customer.page.$eval('textarea', (el) => el.value)).toBe(' ');
    await customer.waitForText(`You are connected with ${REP.name}`);
    await checkScreen(customer.page, 'customer-session');
  });

  it('Leave asks first; Cancel keeps them in; leaving offers to join again or enter a number', async () => {
    await clickByRole(customer.page, 'button', 'Leave');
    await customer.waitForText('Leave the session?');
    await checkScreen(customer.page, 'customer-leave-confirm');
    // The safe answer has the focus: Enter or Space there keeps the customer in.
    expect(await focused(customer)).toMatchObject({ tag: 'BUTTON' });
    expect(await customer.page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await customer.page.keyboard.press('Space');
    await waitUntil(customer.page, () => document.querySelector('dialog') === null);
    await customer.page.locator('::-p-aria([name="Share screen"][role="button"])').wait();

    await clickByRole(customer.page, 'button', 'Leave');
    await customer.page.locator('dialog ::-p-aria([name="Leave"][role="button"])').click();
    await customer.waitForText('You left the session');
    await customer.page.locator('::-p-aria([name="Join with a session number"][role="link"])').wait();
    await checkScreen(customer.page, 'customer-left');
    await clickByRole(customer.page, 'button', 'Join again');
    await customer.join('Casey Customer');
    await customer.waitForText(`You are connected with ${REP.name}`);
  });

  it('a broken link explains itself and leads to the support site, where a number can be entered', async () => {
    const broken = await JoinPage.open(world.customerBrowser, `${world.broker.url}/join#AAAAAAAAAAAAAAAAAAAAAA`);
    await broken.page.setViewport(PHONE);
    await broken.waitForText('This invitation link is not valid');
    await checkScreen(broken.page, 'customer-invalid-link');
    await clickByRole(broken.page, 'link', 'Join with a session number');
    await broken.page.locator('::-p-aria([name="Session number"])').wait();
    await checkScreen(broken.page, 'customer-number-form');
    await broken.page.close();
  });

  it('speaks the customer’s language, errors included, tied to the field they are about', async () => {
    const page = await world.customerBrowser.newPage();
    const cdp = await page.createCDPSession();
    await cdp.send('Emulation.setUserAgentOverride', {
      userAgent: await world.customerBrowser.userAgent(),
      acceptLanguage: 'ru-RU,ru',
    });
    await page.setViewport(PHONE);
    await page.goto(`${world.broker.url}/`);
    await fillByLabel(page, 'Номер сеанса', '12');
    await fillByLabel(page, 'Ваше имя', 'Вера');
    await clickByRole(page, 'button', 'Подключиться');
    // The format is checked at once, under the number, and the field says it is wrong.
    await waitUntil(page, () => document.querySelector('#number')?.getAttribute('aria-invalid') === 'true');
    expect(
      await page.$eval('#number', (el) => document.getElementById(el.getAttribute('aria-describedby')!)?.textContent),
    ).toBeTruthy();
    // A number nobody has: the broker's refusal in Russian, for a customer.
    await fillByLabel(page, 'Номер сеанса', '999 999 999');
    await clickByRole(page, 'button', 'Подключиться');
    await waitForText(page, 'Сейчас нет сеанса с таким номером. Уточните номер у вашего специалиста.');
    expect(await page.evaluate(() => document.body.textContent)).not.toMatch(/There is no session/);
    await checkScreen(page, 'customer-number-error-ru');
    await page.close();
  });

  it('after End: the rep’s summary with notes, ticket and transcript; the customer rates the help', async () => {
    const { panel } = world;
    await customer.sendChat('Thanks, it works now');
    await panel.waitForText('Thanks, it works now');
    await panel.endSession();
    await customer.waitForText('The session has ended');
    await customer.page.locator('::-p-aria([name="Join with a session number"][role="link"])').wait();

    // The rep: who, how long, what was shared; notes and a ticket saved with the session.
    await panel.waitForText('Casey Customer');
    await panel.waitForText('Nothing was shared');
    await checkScreen(panel.page, 'panel-summary');
    await fillByLabel(panel.page, 'Notes', 'Reset the router; customer confirmed.');
    await fillByLabel(panel.page, 'Ticket reference (optional)', 'HD-1234');
    await clickByRole(panel.page, 'button', 'Save notes');
    await panel.waitForText('Notes saved.');

    // The transcript, as a file the browser saves.
    const downloads = mkdtempSync(join(tmpdir(), 'rs-transcript-'));
    const cdp = await panel.page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await clickByRole(panel.page, 'button', 'Save chat as text');
    const file = join(downloads, `session-${number.replace(/ /g, '')}.txt`);
    while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 50));
    const transcript = readFileSync(file, 'utf8');
    expect(transcript).toContain(`Support session ${number}`);
    expect(transcript).toMatch(/UTC {2}Casey Customer: Thanks, it works now/);
    rmSync(downloads, { recursive: true, force: true });

    // The customer rates the help.
    await clickByRole(customer.page, 'radio', '4 of 5');
    await fillByLabel(customer.page, 'Comment (optional)', 'Patient and quick');
    await checkScreen(customer.page, 'customer-ended-rating');
    await clickByRole(customer.page, 'button', 'Send rating');
    await customer.waitForText('Thank you for your rating.');

    const [row] = (await world.broker.store.listReport(0)).filter((r) => r.number === number.replace(/ /g, ''));
    expect(row).toMatchObject({ notes: 'Reset the router; customer confirmed.', ticket: 'HD-1234', customers: 1 });
    expect(row!.ratings).toEqual([{ score: 4, comment: 'Patient and quick' }]);
    expect(row!.endedAt).not.toBeNull();
  });
});
