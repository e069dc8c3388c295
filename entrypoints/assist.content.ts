import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { answerAssistPage, type AssistReply } from '../core/extension/assist-bridge';

// On the support site's /assist page: lets the page see the extension and hand it a colleague's invitation.
// The broker's own origin is added at build time from PUBLIC_URL (wxt.config.ts).
export default defineContentScript({
  matches: ['http://127.0.0.1/assist*', 'http://localhost/assist*'],
  runAt: 'document_idle',
  main() {
    answerAssistPage(window, (invite) => browser.runtime.sendMessage({ type: 'assist', invite }) as Promise<AssistReply>);
  },
});
