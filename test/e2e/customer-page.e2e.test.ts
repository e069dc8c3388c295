import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, waitUntil } from './browser';
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

  it('the end of the session thanks the customer and offers the support site', async () => {
    await world.panel.endSession();
    await customer.waitForText('The session has ended');
    await customer.page.locator('::-p-aria([name="Join with a session number"][role="link"])').wait();
    await checkScreen(customer.page, 'customer-ended');
  });
});
