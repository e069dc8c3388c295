import type { Page } from 'puppeteer-core';

/**
 * Runs in a page before its own scripts: keeps every RTCPeerConnection the page makes, so a test can read
 * what really flows with getStats, and the configuration of each one that starts negotiating (gathering
 * candidates, the moment ICE servers are contacted). PeerJS makes one more at import to test support, with
 * its public defaults, and closes it untouched: no candidate is gathered, nothing leaves the machine.
 */
export const TRACK_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const made = (window.__pcs = []);
  const configs = (window.__pcConfigs = []);
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      made.push(this);
    }
    setLocalDescription(...args) {
      configs.push(JSON.stringify(this.getConfiguration()));
      return super.setLocalDescription(...args);
    }
  };
})();`;

/**
 * One incoming audio stream as getStats tells it: its SSRC (the sender's outbound-rtp has the same one;
 * track ids differ on the two sides), bytes so far, energy so far, level now.
 */
export interface AudioIn {
  ssrc: number;
  bytes: number;
  energy: number;
  level: number;
}

/** Every incoming audio stream on the page's open connections. */
export function audioIn(page: Page): Promise<AudioIn[]> {
  return page.evaluate(async () => {
    const found: AudioIn[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: Record<string, unknown>) => {
        if (r.type !== 'inbound-rtp' || r.kind !== 'audio') return;
        found.push({
          ssrc: Number(r.ssrc),
          bytes: Number(r.bytesReceived ?? 0),
          energy: Number(r.totalAudioEnergy ?? 0),
          level: Number(r.audioLevel ?? 0),
        });
      });
    }
    return found;
  });
}

/** The SSRCs of the audio this page sends (its microphone, one per connection), as receivers see them. */
export function audioOutSsrcs(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const ids: number[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: Record<string, unknown>) => {
        if (r.type === 'outbound-rtp' && r.kind === 'audio') ids.push(Number(r.ssrc));
      });
    }
    return ids;
  });
}

/** Incoming audio on `page` that `sender` sends. */
async function audioFrom(page: Page, sender: Page): Promise<AudioIn[]> {
  const theirs = new Set(await audioOutSsrcs(sender));
  return (await audioIn(page)).filter((a) => theirs.has(a.ssrc));
}

/** The RTCConfiguration of every connection the page negotiated (JSON). */
export function peerConnectionConfigs(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __pcConfigs: string[] }).__pcConfigs);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until audio from `sender` reaches the page: its bytes and its energy rise between two readings.
 * Fake microphones beep about once a second, so readings are 1.2 s apart. `energy: false` for a page in
 * Firefox, whose getStats gives no audio energy: bytes alone then.
 */
export async function waitForAudioFrom(page: Page, sender: Page, { energy = true } = {}): Promise<void> {
  for (;;) {
    const before = await audioFrom(page, sender);
    await pause(1_200);
    const after = await audioFrom(page, sender);
    const flowing = after.some((a) => {
      const b = before.find((x) => x.ssrc === a.ssrc);
      return b !== undefined && a.bytes > b.bytes && (!energy || a.energy > b.energy);
    });
    if (flowing) return;
  }
}

/**
 * Waits until audio from `sender` is silent at the page (packets may still come: a muted track sends
 * silence) while audio from someone else keeps arriving, so the silence is not the whole page's.
 */
export async function waitForSilenceFrom(page: Page, sender: Page): Promise<void> {
  for (;;) {
    const theirs = new Set(await audioOutSsrcs(sender));
    const before = await audioIn(page);
    await pause(2_500);
    const after = await audioIn(page);
    const rose = (a: AudioIn) => a.energy > (before.find((x) => x.ssrc === a.ssrc)?.energy ?? Infinity);
    const from = after.filter((a) => theirs.has(a.ssrc));
    if (from.length > 0 && !from.some(rose) && after.some((a) => !theirs.has(a.ssrc) && rose(a))) return;
  }
}
