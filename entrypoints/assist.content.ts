import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { answerAssistPage, type AssistReply } from '../core/extension/assist-bridge';
import { createSettings } from '../core/extension/settings';
import { extensionStorage } from '../core/extension/storage-adapter';

// On the support site's /assist page: lets the page see the extension and hand it a colleague's invitation,
// on the broker the extension is set up for and after a click only. The broker's own origin is added to the
// matches at build time from PUBLIC_URL (wxt.config.ts).
export default defineContentScript({
  matches: ['http://127.0.0.1/assist*', 'http://localhost/assist*'],
  runAt: 'document_idle',
  main() {
    const settings = createSettings(extensionStorage(browser.storage));
    answerAssistPage(window, {
      handOver: (invite) => browser.runtime.sendMessage({ type: 'assist', invite }) as Promise<AssistReply>,
      isOwnBroker: (origin) => settings.isOwnBroker(origin),
    });
  },
});
