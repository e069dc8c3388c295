import type { Page } from 'puppeteer-core';

/**
 * The baselines' raw RTCDataChannel between two of our pages: a plain RTCPeerConnection each side, the SDP
 * carried by the bench (no trickle: gathering completes first), no STUN/TURN (loopback host candidates).
 * Strings, not functions: tsx's esbuild would inject helpers that do not exist in the page.
 */
export const GATHERED = `(pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
})`;

/**
 * Opens `window[name] = { pc, dc }` from `from` to `to` (the answering side keeps `{ pc, dc }` under the same
 * name once the channel arrives) and resolves when both ends are open. Binary messages arrive as ArrayBuffers.
 */
export async function openRawChannel(from: Page, to: Page, name: string, label = name): Promise<void> {
  const key = JSON.stringify(name);
  const offer = await from.evaluate(`(async () => {
    const pc = new RTCPeerConnection();
    const dc = pc.createDataChannel(${JSON.stringify(label)});
    dc.binaryType = 'arraybuffer';
    window[${key}] = { pc, dc };
    await pc.setLocalDescription(await pc.createOffer());
    await (${GATHERED})(pc);
    return pc.localDescription.sdp;
  })()`);
  const answer = await to.evaluate(`(async (sdp) => {
    const pc = new RTCPeerConnection();
    const holder = (window[${key}] = { pc });
    holder.opened = new Promise((resolve) => pc.addEventListener('datachannel', (e) => {
      e.channel.binaryType = 'arraybuffer';
      holder.dc = e.channel;
      if (e.channel.readyState === 'open') resolve();
      else e.channel.addEventListener('open', resolve, { once: true });
    }));
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await (${GATHERED})(pc);
    return pc.localDescription.sdp;
  })(${JSON.stringify(offer)})`);
  await from.evaluate(`(async () => {
    const { pc, dc } = window[${key}];
    await pc.setRemoteDescription({ type: 'answer', sdp: ${JSON.stringify(answer)} });
    if (dc.readyState !== 'open') await new Promise((resolve) => dc.addEventListener('open', resolve, { once: true }));
  })()`);
  await to.evaluate(`window[${key}].opened`);
}

/** Closes both ends of a channel `openRawChannel` made. */
export async function closeRawChannel(pages: readonly Page[], name: string): Promise<void> {
  const key = JSON.stringify(name);
  await Promise.all(pages.map((page) => page.evaluate(`window[${key}]?.pc.close(); delete window[${key}]`)));
}
