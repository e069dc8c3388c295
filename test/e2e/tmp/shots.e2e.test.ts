import { it } from 'vitest';
import { clickByRole, launchBrowser } from '../browser';
import { createWorld } from '../fixtures';
import { JoinPage } from '../pages/join-page';

it('screenshots', async () => {
  const world = await createWorld({ rep: { maxCustomers: 3 } });
  const other = await launchBrowser();
  try {
    const { panel } = world;
    await panel.page.setViewport({ width: 400, height: 900 });
    const { joinUrl } = await panel.startSession();
    const ann = await JoinPage.open(world.customerBrowser, joinUrl);
    await ann.page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    await ann.join('Ann Customer');
    const bea = await JoinPage.open(other, joinUrl);
    await bea.page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    await bea.join('Bea Customer');
    await ann.sendChat('Hello, my printer is offline');
    await panel.waitForText('Hello, my printer is offline');
    await panel.sendChat('Hi Ann, let us look at it together', 'Ann Customer');
    await ann.waitForText('Hi Ann');
    await bea.sendChat('I have a question too');
    await new Promise((r) => setTimeout(r, 500));
    await panel.page.screenshot({ path: '/tmp/shots/panel-two-customers.png', fullPage: true });
    await ann.page.screenshot({ path: '/tmp/shots/ann-phone.png', fullPage: true });
    await bea.page.screenshot({ path: '/tmp/shots/bea-phone.png', fullPage: true });
    await clickByRole(panel.page, 'button', 'Remove Bea Customer');
    await new Promise((r) => setTimeout(r, 300));
    await panel.page.screenshot({ path: '/tmp/shots/panel-remove-confirm.png' });
    await clickByRole(panel.page, 'button', 'Cancel');
    await clickByRole(panel.page, 'button', 'Sign out');
    await new Promise((r) => setTimeout(r, 300));
    await panel.page.screenshot({ path: '/tmp/shots/panel-signout-confirm.png' });
    await panel.page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await panel.page.screenshot({ path: '/tmp/shots/panel-signout-dark.png' });
  } finally {
    await other.close();
    await world.close();
  }
});
