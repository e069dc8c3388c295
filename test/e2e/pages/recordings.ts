import type { Page } from 'puppeteer-core';

export interface StoredRecording {
  id: string;
  startedAt: number;
  durationMs: number;
  bytes: number;
  chunks: number;
  state: string;
  chat: string;
}

/** The recordings as the extension's IndexedDB holds them (read in an extension page). */
export const recordings = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<StoredRecording[]>((resolve, reject) => {
        const open = indexedDB.open('remote-support');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('recordings').objectStore('recordings').getAll();
          all.onsuccess = () => (resolve(all.result as StoredRecording[]), open.result.close());
        };
      }),
  );

/**
 * Clicks "Save as WebM" on the first recording listed (the list open) and takes the file the browser
 * would save: its name, its bytes (base64), and its sound decoded (loudest sample, seconds). Works in
 * Chromium and Firefox: the download link's click is caught in the page.
 */
export const saveRecording = (page: Page) =>
  page.evaluate(async () => {
    const saved: { href?: string; name?: string } = {};
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      saved.href = this.href;
      saved.name = this.download;
    };
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Save as WebM')!;
    button.click();
    while (!saved.href) await new Promise((r) => setTimeout(r, 50));
    HTMLAnchorElement.prototype.click = click;
    const data = new Uint8Array(await (await fetch(saved.href)).arrayBuffer());
    // The mixed voices are sound, not silence: the fake microphones beep.
    const audio = await new AudioContext().decodeAudioData(data.slice().buffer);
    let loudest = 0;
    for (const sample of audio.getChannelData(0)) loudest = Math.max(loudest, Math.abs(sample));
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { name: saved.name!, base64: btoa(binary), loudest, seconds: audio.duration };
  });
