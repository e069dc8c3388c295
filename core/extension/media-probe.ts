import * as v from 'valibot';

/**
 * Issue 13's spike, kept as a check that runs in the built extension: whether the context it runs in can
 * take the microphone, and carry it over a WebRTC connection (two RTCPeerConnections in the same page,
 * so no network is needed). The side panel cannot be that context (Chrome unloads it when closed); an
 * offscreen document (Chrome) or the background page (Firefox) can.
 */
export const PROBE_REQUEST = { type: 'media-probe' } as const;
const ProbeRequest = v.object({ type: v.literal('media-probe') });
export const isProbeRequest = (message: unknown) => v.is(ProbeRequest, message);

export interface ProbeResult {
  /** 'ok', or the error's name (NotAllowedError: no permission, and this context cannot ask). */
  microphone: string;
  /** The loopback connection reached 'connected'. */
  webrtc: boolean;
  /** Audio bytes crossed it. */
  audioBytes: number;
}

export async function probeMedia(nav: Navigator): Promise<ProbeResult> {
  let stream: MediaStream | undefined;
  let microphone = 'ok';
  try {
    stream = await nav.mediaDevices.getUserMedia({ audio: true, video: false });
  } catch (error) {
    microphone = error instanceof Error || error instanceof DOMException ? error.name : String(error);
  }
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  try {
    a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
    if (stream) stream.getTracks().forEach((track) => a.addTrack(track, stream));
    else a.createDataChannel('probe');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    const connected = await new Promise<boolean>((resolve) => {
      const check = () => {
        if (b.connectionState === 'connected') resolve(true);
        else if (b.connectionState === 'failed' || b.connectionState === 'closed') resolve(false);
      };
      b.onconnectionstatechange = check;
      check();
    });
    let audioBytes = 0;
    // The first packets follow the connection within moments; read until some arrive (the caller waits).
    while (connected && stream && audioBytes === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      (await b.getStats()).forEach((r: { type: string; kind?: string; bytesReceived?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') audioBytes = r.bytesReceived ?? 0;
      });
    }
    return { microphone, webrtc: connected, audioBytes };
  } finally {
    a.close();
    b.close();
    stream?.getTracks().forEach((t) => t.stop());
  }
}
