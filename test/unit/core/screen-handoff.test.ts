import { signal } from '@preact/signals-core';
import { describe, expect, it } from 'vitest';
import { allPictures, findScreen, pictureKey, publishScreens } from '../../../core/extension/screen-handoff';

/** A stream as the viewer reads it: only whether it is still live. */
const live = (name: string) => ({ active: true, name }) as unknown as MediaStream;

describe('pictures handed to the viewer tab', () => {
  it('keeps a participant’s screen, their rep screen and their camera apart', () => {
    const screen = live('screen');
    const repScreen = live('rep screen');
    const camera = live('camera');
    const runtime = {
      share: { remote: signal(new Map([['ann', screen]])) },
      repShare: { remote: signal(new Map([['rita', repScreen]])) },
      camera: { remote: signal(new Map([['ann', camera]])) },
    };
    const page = {} as Window;
    publishScreens(page, () => allPictures(runtime));
    expect(findScreen([page], 'ann')).toBe(screen);
    expect(findScreen([page], pictureKey('camera', 'ann'))).toBe(camera);
    expect(findScreen([page], pictureKey('rep-screen', 'rita'))).toBe(repScreen);
    expect(findScreen([page], 'rita')).toBeUndefined();
    expect(allPictures(undefined).size).toBe(0);
  });
});
