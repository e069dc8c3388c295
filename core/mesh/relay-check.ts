/** Whether this browser can get a relay (TURN allocation) with the credentials it was given. */
export type RelayState = 'none' | 'checking' | 'ok' | 'unreachable';

/** True when the settings name a TURN server (only then is there a relay to reach). */
export function hasRelay(config: RTCConfiguration): boolean {
  return (config.iceServers ?? []).some((s) => [s.urls].flat().some((u) => /^turns?:/i.test(u)));
}

/**
 * Asks the relay for an allocation with a throwaway connection: a relay candidate means the server
 * answers and accepts the credentials. Wrong or expired credentials (401) or an unreachable server end
 * gathering without one, which is when the browser itself gives up (no timer of ours). Nothing is sent
 * to anyone: the connection is closed as soon as the answer is known.
 */
export async function checkRelay(
  config: RTCConfiguration,
  PeerConnection: typeof RTCPeerConnection = globalThis.RTCPeerConnection,
): Promise<'ok' | 'unreachable'> {
  const pc = new PeerConnection({ ...config, iceTransportPolicy: 'relay' });
  try {
    const found = new Promise<'ok' | 'unreachable'>((resolve) => {
      pc.addEventListener('icecandidate', (e) => {
        if (!e.candidate) resolve('unreachable');
        else if (e.candidate.type === 'relay') resolve('ok');
      });
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve('unreachable'));
    });
    pc.createDataChannel('relay-check');
    await pc.setLocalDescription(await pc.createOffer());
    return await found;
  } finally {
    pc.close();
  }
}
