/**
 * Hands a live screen from the side panel to a viewer tab of the same extension. Extension pages share
 * one process, so the viewer can show the panel's own MediaStream: no second peer connection, no extra
 * bandwidth, and the customer's device encodes once.
 */
const KEY = '__remoteSupportScreens';

type ScreenSource = () => ReadonlyMap<string, MediaStream>;

/** The side panel publishes the screens it receives, keyed by participant id. */
export function publishScreens(win: Window, screens: ScreenSource): void {
  (win as unknown as Record<string, ScreenSource>)[KEY] = screens;
}

/** The viewer looks for a participant's screen in the extension's open pages. */
export function findScreen(pages: readonly Window[], participantId: string): MediaStream | undefined {
  for (const page of pages) {
    try {
      const source = (page as unknown as Record<string, unknown>)[KEY];
      const stream = typeof source === 'function' ? (source as ScreenSource)().get(participantId) : undefined;
      if (stream?.active) return stream;
    } catch {
      // A page that is closing: look elsewhere.
    }
  }
  return undefined;
}

/** The viewer's address for a participant's screen. */
export function viewerPath(participantId: string, title: string): `/viewer.html?${string}` {
  return `/viewer.html?${new URLSearchParams({ participant: participantId, title })}`;
}
