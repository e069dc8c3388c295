import * as v from 'valibot';
import { AssistRuntimeMessage, type AssistReply } from './assist-bridge';
import { openDashboard, type DashboardApi } from './dashboard';
import type { Settings } from './settings';

/**
 * Background side of an /assist link: opens the dashboard while the click's gesture lasts (so nothing
 * is awaited before), then leaves the invitation for the side panel, which joins as assistant — at once
 * when signed in, right after sign-in otherwise. Undefined for messages that are not ours.
 */
export function receiveAssist(
  message: unknown,
  windowId: number | undefined,
  deps: { api: DashboardApi; settings: Settings },
): Promise<AssistReply> | undefined {
  const parsed = v.safeParse(AssistRuntimeMessage, message);
  if (!parsed.success) return undefined;
  const opened = openDashboard(deps.api, windowId).catch(() => undefined);
  return (async () => {
    await deps.settings.setPendingAssist({ kind: 'invite', invite: parsed.output.invite });
    await opened;
    return { ok: true, signedIn: (await deps.settings.auth()) !== undefined };
  })();
}
