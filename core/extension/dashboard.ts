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
