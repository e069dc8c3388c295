import type { Page } from 'puppeteer-core';

/**
 * Waits until the page's first <video> shows a live picture: a real size and at least `frames` newly
 * decoded frames (counted with requestVideoFrameCallback). Returns the size it saw.
 */
export async function waitForLiveVideo(page: Page, frames = 10): Promise<{ width: number; height: number; frames: number }> {
  await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0, { polling: 50 });
  await page.evaluate(() => {
    const video = document.querySelector('video')!;
    const w = window as unknown as { __frames: number };
    w.__frames = 0;
    const count = () => {
      w.__frames++;
      video.requestVideoFrameCallback(count);
    };
    video.requestVideoFrameCallback(count);
  });
  await page.waitForFunction((n: number) => (window as unknown as { __frames: number }).__frames >= n, { polling: 50 }, frames);
  return page.evaluate(() => {
    const video = document.querySelector('video')!;
    return { width: video.videoWidth, height: video.videoHeight, frames: (window as unknown as { __frames: number }).__frames };
  });
}
