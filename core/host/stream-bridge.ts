import type { HostMessage, ViewMessage } from './wire';

/**
 * Media streams from the session host to a view. A MediaStream cannot be posted between documents in
 * different processes (an offscreen document and the side panel), so the host offers each stream a view
 * asks for on a peer connection of its own, on this machine: no STUN or TURN, host candidates only.
 */

type Candidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null };
const candidateOf = (c: RTCIceCandidate): Candidate => ({
  candidate: c.candidate,
  sdpMid: c.sdpMid,
  sdpMLineIndex: c.sdpMLineIndex,
});

/**
 * A local hop must not make a screen blurry: the picture keeps its size (the encoder would otherwise
 * start small while its bandwidth estimate ramps up) with plenty of bits, all on this machine.
 */
async function keepFullPicture(pc: RTCPeerConnection): Promise<void> {
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind !== 'video') continue;
    const parameters = sender.getParameters();
    parameters.degradationPreference = 'maintain-resolution';
    for (const encoding of parameters.encodings ?? []) encoding.maxBitrate = 20_000_000;
    await sender.setParameters(parameters).catch(() => undefined);
  }
}

/** How often the host looks for bridged pictures that ended. */
const SWEEP_MS = 500;

/** The host's streams, each named once (a reference crosses instead of the stream). */
export function createStreamRegistry() {
  const ids = new WeakMap<MediaStream, string>();
  const streams = new Map<string, WeakRef<MediaStream>>();
  let next = 0;
  return {
    idOf(stream: MediaStream): string {
      let id = ids.get(stream);
      if (!id) {
        id = `s${++next}`;
        ids.set(stream, id);
        streams.set(id, new WeakRef(stream));
      }
      return id;
    },
    get(id: string): MediaStream | undefined {
      const stream = streams.get(id)?.deref();
      if (!stream) streams.delete(id);
      return stream;
    },
  };
}

/** The host's side: answers `want-stream` with an offer and keeps the connection while the stream lives. */
export function createStreamSender(deps: { streamOf(id: string): MediaStream | undefined; post(message: HostMessage): void }) {
  const links = new Map<string, RTCPeerConnection>();
  const keyOf = (view: string, stream: string) => `${view}/${stream}`;

  function drop(key: string): void {
    links.get(key)?.close();
    links.delete(key);
    sources.delete(key);
  }

  // The picture ends for the view when it ends here. Checked by looking: a track a closed call leaves
  // behind ends without an `ended` event.
  const sources = new Map<string, { view: string; streamId: string; stream: MediaStream }>();
  let sweep: ReturnType<typeof setInterval> | undefined;
  function watchSources(): void {
    sweep ??= setInterval(() => {
      for (const [key, { view, streamId, stream }] of sources) {
        if (stream.active) continue;
        drop(key);
        deps.post({ type: 'no-stream', view, stream: streamId });
      }
      if (sources.size === 0) {
        clearInterval(sweep);
        sweep = undefined;
      }
    }, SWEEP_MS);
  }

  async function offer(view: string, streamId: string): Promise<void> {
    const stream = deps.streamOf(streamId);
    if (!stream || !stream.active) return deps.post({ type: 'no-stream', view, stream: streamId });
    const key = keyOf(view, streamId);
    drop(key); // a view that asks again (it reloaded) gets a fresh connection
    const pc = new RTCPeerConnection();
    links.set(key, pc);
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) deps.post({ type: 'bridge-candidate', view, stream: streamId, candidate: candidateOf(candidate) });
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') drop(key);
    };
    sources.set(key, { view, streamId, stream });
    watchSources();
    const description = await pc.createOffer();
    await pc.setLocalDescription(description);
    await keepFullPicture(pc);
    deps.post({ type: 'bridge-offer', view, stream: streamId, sdp: { type: 'offer', sdp: description.sdp ?? '' } });
  }

  return {
    /** Offers a stream to a view (asked for by id, or named by a picture key). */
    offer,
    async receive(message: Extract<ViewMessage, { stream: string }>): Promise<void> {
      if (message.type === 'want-stream') return offer(message.view, message.stream);
      const pc = links.get(keyOf(message.view, message.stream));
      if (!pc) return;
      if (message.type === 'bridge-answer') await pc.setRemoteDescription(message.sdp);
      else if (message.type === 'bridge-candidate') await pc.addIceCandidate(message.candidate);
    },
    close(): void {
      for (const key of [...links.keys()]) drop(key);
      clearInterval(sweep);
      sweep = undefined;
    },
  };
}

/** The view's side: `get` returns the bridged copy, asking for it the first time (undefined until it comes). */
export function createStreamReceiver(deps: {
  view: string;
  post(message: ViewMessage): void;
  /** A stream arrived: values that hold it can be shown now. */
  onArrived(streamId: string): void;
}) {
  const arrived = new Map<string, MediaStream>();
  const links = new Map<string, RTCPeerConnection>();
  const asked = new Set<string>();

  async function answer(streamId: string, sdp: RTCSessionDescriptionInit): Promise<void> {
    links.get(streamId)?.close();
    const pc = new RTCPeerConnection();
    links.set(streamId, pc);
    pc.ontrack = ({ streams: [stream] }) => {
      if (!stream || arrived.get(streamId) === stream) return;
      arrived.set(streamId, stream);
      deps.onArrived(streamId);
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate)
        deps.post({ type: 'bridge-candidate', view: deps.view, stream: streamId, candidate: candidateOf(candidate) });
    };
    await pc.setRemoteDescription(sdp);
    const description = await pc.createAnswer();
    await pc.setLocalDescription(description);
    deps.post({
      type: 'bridge-answer',
      view: deps.view,
      stream: streamId,
      sdp: { type: 'answer', sdp: description.sdp ?? '' },
    });
  }

  return {
    /** The copy of a stream if it is here, without asking for it. */
    peek: (streamId: string) => arrived.get(streamId),
    get(streamId: string): MediaStream | undefined {
      const stream = arrived.get(streamId);
      if (stream) return stream;
      if (!asked.has(streamId)) {
        asked.add(streamId);
        deps.post({ type: 'want-stream', view: deps.view, stream: streamId });
      }
      return undefined;
    },
    async receive(message: HostMessage): Promise<void> {
      if (!('view' in message) || message.view !== deps.view || !('stream' in message)) return;
      if (message.type === 'bridge-offer') return answer(message.stream, message.sdp);
      if (message.type === 'bridge-candidate') await links.get(message.stream)?.addIceCandidate(message.candidate);
      // Gone at the host (ended, or never there): its copy ends here too; it stays asked (ids are not reused).
      if (message.type === 'no-stream') {
        links.get(message.stream)?.close();
        links.delete(message.stream);
        arrived.delete(message.stream);
      }
    },
    close(): void {
      for (const pc of links.values()) pc.close();
      links.clear();
    },
  };
}
