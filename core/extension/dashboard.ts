/** Chrome's side panel or Firefox's sidebar, whichever this browser has (structural types: no browser import). */
export interface DashboardApi {
  sidePanel?: { open(options: { windowId: number }): Promise<void> };
  sidebarAction?: { open(): Promise<void> };
  windows: { getCurrent(): Promise<{ id?: number }> };
}

/**
 * Opens the rep's dashboard. Must run inside a user gesture (a click or a keyboard command): browsers
 * refuse to open panels otherwise.
 */
export async function openDashboard(api: DashboardApi, windowId?: number): Promise<void> {
  if (api.sidebarAction) return api.sidebarAction.open();
  if (!api.sidePanel) throw new Error('This browser has no side panel');
  // Ask for the window id first only when not given: awaiting before open() may lose the user gesture.
  const id = windowId ?? (await api.windows.getCurrent()).id;
  if (id !== undefined) await api.sidePanel.open({ windowId: id });
}

/** The slice of `browser.windows` and `browser.tabs` that brings an extension page forward. */
export interface RevealApi {
  windows: { getCurrent(): Promise<{ id?: number }>; update(id: number, info: { focused: boolean }): Promise<unknown> };
  tabs: { getCurrent(): Promise<{ id?: number } | undefined>; update(id: number, info: { active: boolean }): Promise<unknown> };
}

/**
 * Brings the page this runs in forward: its window, and its tab when it is one. For a notification's
 * click, which browsers do not count as a user gesture (so the sidebar cannot be opened from it).
 */
export async function revealThisPage(api: RevealApi): Promise<void> {
  const [window, tab] = await Promise.all([api.windows.getCurrent(), api.tabs.getCurrent()]);
  if (tab?.id !== undefined) await api.tabs.update(tab.id, { active: true });
  if (window.id !== undefined) await api.windows.update(window.id, { focused: true });
}
