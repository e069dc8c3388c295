import * as v from 'valibot';
import { SessionDetail } from '../protocol';

/**
 * What the session host and its views say to each other, over one BroadcastChannel of the extension's
 * origin (web pages and content scripts cannot join it). Each side still checks every message: a view
 * that is out of date, or a bug, must not break the host that carries everyone's sessions.
 */
export const HOST_CHANNEL = 'remote-support-session-host';

const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
const RequestNo = v.pipe(v.number(), v.integer(), v.minValue(0));
const Path = v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.minLength(1), v.maxLength(6));
const Sdp = v.object({ type: v.picklist(['offer', 'answer']), sdp: v.pipe(v.string(), v.maxLength(100_000)) });
const Candidate = v.object({
  candidate: v.pipe(v.string(), v.maxLength(2_000)),
  sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
  sdpMLineIndex: v.optional(v.nullable(v.number())),
});

/** A view asks. `view` names the asking document, so replies reach it only. */
export const ViewMessage = v.variant('type', [
  /** Is the host there and listening? (It answers 'ready'.) */
  v.object({ type: v.literal('hello'), view: Id, req: RequestNo }),
  /** Open (or attach to) the rep's runtime of a session. */
  v.object({
    type: v.literal('open'),
    view: Id,
    req: RequestNo,
    brokerUrl: v.pipe(v.string(), v.url(), v.maxLength(2_000)),
    token: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
    detail: v.object({ ...SessionDetail.entries, self: SessionDetail.entries.self.wrapped }),
  }),
  /** Run an action of a runtime (`path` into it, e.g. ['voice', 'join']). */
  v.object({
    type: v.literal('call'),
    view: Id,
    req: RequestNo,
    runtime: Id,
    path: Path,
    args: v.pipe(v.array(v.unknown()), v.maxLength(8)),
  }),
  /** Send me the picture `key` names (a participant's screen, `rep-screen:…`, `camera:…`), from any session: the viewer tab. */
  v.object({ type: v.literal('want-picture'), view: Id, key: v.pipe(v.string(), v.maxLength(200)) }),
  /** Send me this stream (the host offers it on a peer connection of its own). */
  v.object({ type: v.literal('want-stream'), view: Id, stream: Id }),
  /** The view's half of a stream's peer connection. */
  v.object({ type: v.literal('bridge-answer'), view: Id, stream: Id, sdp: Sdp }),
  v.object({ type: v.literal('bridge-candidate'), view: Id, stream: Id, candidate: Candidate }),
]);
export type ViewMessage = v.InferOutput<typeof ViewMessage>;

/** The host answers (to one view) or tells (every view). */
export const HostMessage = v.variant('type', [
  v.object({ type: v.literal('reply'), view: Id, req: RequestNo, value: v.unknown() }),
  v.object({
    type: v.literal('failed'),
    view: Id,
    req: RequestNo,
    error: v.object({
      name: v.pipe(v.string(), v.maxLength(200)),
      message: v.pipe(v.string(), v.maxLength(10_000)),
      status: v.optional(v.number()),
      code: v.optional(v.pipe(v.string(), v.maxLength(100))),
      retryAfterSeconds: v.optional(v.number()),
    }),
  }),
  /** A runtime's signal changed. */
  v.object({ type: v.literal('signal'), runtime: Id, id: v.pipe(v.number(), v.integer()), value: v.unknown() }),
  /** Chat entries new or changed in a runtime's log (every entry, when a view attaches). */
  v.object({ type: v.literal('chat'), runtime: Id, entries: v.array(v.unknown()) }),
  /** The broker refused the rep's token while this runtime ran: the views sign the rep out. */
  v.object({ type: v.literal('signed-out'), runtime: Id, reason: v.pipe(v.string(), v.maxLength(2_000)) }),
  /** The runtime is gone at the host (disposed): its views keep what they last showed. */
  v.object({ type: v.literal('gone'), runtime: Id }),
  v.object({ type: v.literal('bridge-offer'), view: Id, stream: Id, sdp: Sdp }),
  v.object({ type: v.literal('bridge-candidate'), view: Id, stream: Id, candidate: Candidate }),
  /** Which stream a picture is now (absent: nobody shows it). */
  v.object({ type: v.literal('picture'), view: Id, key: v.pipe(v.string(), v.maxLength(200)), stream: v.optional(Id) }),
  /** The stream is not at the host (any more). */
  v.object({ type: v.literal('no-stream'), view: Id, stream: Id }),
]);
export type HostMessage = v.InferOutput<typeof HostMessage>;

/** What `open` replies with: the runtime's id at the host and its shape (see mirror.ts). */
export interface OpenedRuntime {
  runtime: string;
  shape: unknown;
}
