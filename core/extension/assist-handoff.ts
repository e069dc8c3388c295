import * as v from 'valibot';
import { AssistRuntimeMessage, type AssistReply } from './assist-bridge';
import { openDashboard, type DashboardApi } from './dashboard';
import type { Settings } from './settings';

/** Who sent a runtime message (the parts of `browser.runtime.MessageSender` used here). */
export interface AssistSender {
  tab?: { windowId?: number };
  url?: string;
}

/**
 * Background side of an /assist link: opens the dashboard while the click's gesture lasts (so nothing
 * is awaited before), then — if the page is on the broker the extension is set up for (the content
 * script checked too) — leaves the invitation for the side panel, which joins as assistant: at once when
 * signed in, right after sign-in otherwise. Undefined for messages that are not ours.
 */
export function receiveAssist(
  message: unknown,
  sender: AssistSender,
  deps: { api: DashboardApi; settings: Settings },
): Promise<AssistReply> | undefined {
  const parsed = v.safeParse(AssistRuntimeMessage, message);
  if (!parsed.success) return undefined;
  // Firefox opens its sidebar only from the extension's own UI, never for a web page's click: then the
  // page tells the colleague to open it (the panel takes the invitation whenever it opens).
  const opened = openDashboard(deps.api, sender.tab?.windowId).then(
    () => true,
    () => false,
  );
  return (async () => {
    const origin = sender.url ? new URL(sender.url).origin : '';
    if (!(await deps.settings.isOwnBroker(origin))) return { ok: false, signedIn: false, refusal: 'other-broker' as const };
    await deps.settings.setPendingAssist({ kind: 'invite', invite: parsed.output.invite });
    return { ok: true, signedIn: (await deps.settings.auth()) !== undefined, dashboardOpened: await opened };
  })();
}
