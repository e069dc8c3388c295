import type { CallKind, MeshMessage } from '../protocol';

/** Announce messages have the shape `{type, sharing}`, requests `{type}` (see core/protocol/mesh.ts). */
type AnnounceType = Extract<MeshMessage, { sharing: boolean }>['type'];
type RequestType = Extract<MeshMessage, { type: `${string}-request` }>['type'];

/**
 * One kind of picture a participant sends to everyone: its activity name (the notices name it), its
 * media call kind, and the two data-link messages that go with it ("I share / I stopped" and "your call
 * never reached me: call again").
 */
export interface ShareKind {
  readonly name: string;
  readonly callKind: CallKind;
  readonly announce: AnnounceType;
  readonly request: RequestType;
}

/** The customer's screen (or window, or tab), shown to the reps and to the other customers. */
export const CUSTOMER_SCREEN: ShareKind = {
  name: 'screen-share',
  callKind: 'screen',
  announce: 'share',
  request: 'share-request',
};

/** A rep's own screen (Tools → Share my screen), shown large on the customer's page. */
export const REP_SCREEN: ShareKind = {
  name: 'rep-screen-share',
  callKind: 'rep-screen',
  announce: 'rep-share',
  request: 'rep-share-request',
};

/** Someone's camera (Start video; on a phone, Show with camera). */
export const CAMERA: ShareKind = { name: 'video', callKind: 'camera', announce: 'camera', request: 'camera-request' };
