/**
 * Hands a live screen from the side panel to a viewer tab of the same extension. Extension pages share
 * one process, so the viewer can show the panel's own MediaStream: no second peer connection, no extra
 * bandwidth, and the customer's device encodes once.
 */
const KEY = '__remoteSupportScreens';

type ScreenSource = () => ReadonlyMap<string, MediaStream>;

type Pictures = { readonly value: ReadonlyMap<string, MediaStream> };
interface PictureSources {
  share: { remote: Pictures };
  repShare: { remote: Pictures };
  camera: { remote: Pictures };
}

/** A rep's screen or a camera, told apart from the customer's screen (keyed by the participant id alone). */
export const pictureKey = (kind: 'rep-screen' | 'camera', participantId: string) => `${kind}:${participantId}`;

/** Everything a session shows the panel that a viewer tab may show bigger: screens, rep screens, cameras. */
export function allPictures(runtime: PictureSources | undefined): ReadonlyMap<string, MediaStream> {
  const all = new Map(runtime?.share.remote.value);
  for (const [id, stream] of runtime?.repShare.remote.value ?? []) all.set(pictureKey('rep-screen', id), stream);
  for (const [id, stream] of runtime?.camera.remote.value ?? []) all.set(pictureKey('camera', id), stream);
  return all;
}

/** The side panel publishes the pictures it receives, keyed by participant id (or `pictureKey`). */
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
