/**
 * The peer layer on its own in a browser page: core/mesh (PeerJS transport, mesh, backpressure) bundled
 * for the page, for tests of what no product feature exercises yet (binary channels before file
 * transfer lands). Exposes `window.meshPage`.
 */
import { createMesh } from '../../../core/mesh/mesh';
import { createPeerJsTransport } from '../../../core/mesh/peerjs-transport';
import { whenWritable } from '../../../core/mesh/backpressure';
import type { BinaryLink } from '../../../core/mesh/transport';
import type { MeshMessage } from '../../../core/protocol';

interface Member {
  participantId: string;
  peerId: string;
}

function start(options: { brokerUrl: string; self: Member & { peerToken: string }; roster: Member[] }) {
  const received: MeshMessage[] = [];
  /** Incoming channels with what arrived on each (collected from the start, as an activity would). */
  const channels: { link: BinaryLink; chunks: ArrayBuffer[]; bytes: number }[] = [];
  const opened = new Set<string>();
  const mesh = createMesh({
    transport: createPeerJsTransport({
      brokerUrl: options.brokerUrl,
      peerId: options.self.peerId,
      peerToken: options.self.peerToken,
      iceServers: [],
    }),
    selfPeerId: options.self.peerId,
    onMessage: (_from, message) => received.push(message),
    onLinkOpen: (participantId) => opened.add(participantId),
    onLinkClose: (participantId) => opened.delete(participantId),
    onCall: (_from, call) => call.close(),
    onChannel: (_from, link) => {
      const entry = { link, chunks: [] as ArrayBuffer[], bytes: 0 };
      link.onData((chunk) => {
        entry.chunks.push(chunk);
        entry.bytes += chunk.byteLength;
      });
      channels.push(entry);
    },
  });
  mesh.setRoster(options.roster);
  return { mesh, received, channels, opened, whenWritable };
}

(globalThis as unknown as { meshPage: { start: typeof start } }).meshPage = { start };
