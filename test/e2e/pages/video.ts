import type { Page } from 'puppeteer-core';

/**
 * Waits until a <video> of the page (the first one, or the first `selector` matches) shows a live
 * picture: a real size and at least `frames` newly decoded frames (counted with
 * requestVideoFrameCallback). Returns the size it saw.
 */
export async function waitForLiveVideo(
  page: Page,
  frames = 10,
  selector = 'video',
): Promise<{ width: number; height: number; frames: number }> {
  await page.waitForFunction(
    (s: string) => (document.querySelector<HTMLVideoElement>(s)?.videoWidth ?? 0) > 0,
    { polling: 50 },
    selector,
  );
  await page.evaluate((s: string) => {
    const video = document.querySelector<HTMLVideoElement>(s)!;
    const w = window as unknown as { __frames: Record<string, number> };
    w.__frames = { ...w.__frames, [s]: 0 };
    const count = () => {
      w.__frames[s]!++;
      video.requestVideoFrameCallback(count);
    };
    video.requestVideoFrameCallback(count);
  }, selector);
  await page.waitForFunction(
    (s: string, n: number) => ((window as unknown as { __frames: Record<string, number> }).__frames[s] ?? 0) >= n,
    { polling: 50 },
    selector,
    frames,
  );
  return page.evaluate((s: string) => {
    const video = document.querySelector<HTMLVideoElement>(s)!;
    const count = (window as unknown as { __frames: Record<string, number> }).__frames[s]!;
    return { width: video.videoWidth, height: video.videoHeight, frames: count };
  }, selector);
}
