import * as v from 'valibot';
import { PeerId } from '../../core/protocol';

/**
 * What a PeerJS client (1.5.5) sends the PeerServer, as the broker lets it through: signaling for one
 * other peer (OFFER, ANSWER, CANDIDATE, LEAVE, each with a `dst`) and HEARTBEAT. `peer` fills in `src`
 * from the socket, so no sender field is ever trusted. Objects stay loose: PeerJS relays the payload as
 * it is and the receiving PeerJS reads what it knows; the frame size (maxPayload) bounds the rest.
 */
const ConnectionId = v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/));
const ForOnePeer = { dst: PeerId, payload: v.looseObject({ connectionId: ConnectionId }) };

const OfferPayload = v.variant('type', [
  /** `serialization` is checked on its own (see SignalingGate), to count refusals apart. */
  v.looseObject({
    type: v.literal('data'),
    connectionId: ConnectionId,
    serialization: v.optional(v.unknown()),
    label: v.optional(v.unknown()),
  }),
  /** `metadata` names the call's kind (CallMetadata), checked on its own against who sends it (see SignalingGate). */
  v.looseObject({ type: v.literal('media'), connectionId: ConnectionId, metadata: v.optional(v.unknown()) }),
]);

export const SignalingMessage = v.variant('type', [
  v.looseObject({ type: v.literal('HEARTBEAT') }),
  v.looseObject({ type: v.literal('OFFER'), dst: PeerId, payload: OfferPayload }),
  v.looseObject({ type: v.literal('ANSWER'), ...ForOnePeer }),
  v.looseObject({ type: v.literal('CANDIDATE'), ...ForOnePeer }),
  /** PeerJS 1.5.5 never sends it, but peers of other versions may; only to one peer (no dst unregisters the sender). */
  v.looseObject({ type: v.literal('LEAVE'), dst: PeerId, payload: v.optional(v.unknown()) }),
]);
export type SignalingMessage = v.InferOutput<typeof SignalingMessage>;

const KNOWN_TYPES: ReadonlySet<unknown> = new Set(['HEARTBEAT', 'OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']);

export type Read = { message: SignalingMessage } | { drop: 'malformed' | 'unknownType'; detail: string };

/** Parses one frame, once; never throws. */
export function readSignal(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): Read {
  if (isBinary) return { drop: 'malformed', detail: 'a binary frame' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(toBuffers(data)).toString('utf8'));
  } catch {
    return { drop: 'malformed', detail: 'not JSON' };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (!KNOWN_TYPES.has(type)) return { drop: 'unknownType', detail: 'a message type clients do not send' };
  const result = v.safeParse(SignalingMessage, json);
  if (!result.success) return { drop: 'malformed', detail: `a ${String(type)} that is not shaped as PeerJS sends it` };
  return { message: result.output };
}

function toBuffers(data: ArrayBuffer | Buffer[]): Buffer[] {
  return Array.isArray(data) ? data : [Buffer.from(data)];
}
