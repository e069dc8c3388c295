import * as v from 'valibot';
import { effect } from '@preact/signals-core';
import { createBrokerClient } from '../broker/client';
import { allPictures } from '../extension/screen-handoff';
import type { ChatEntry, ChatStore } from '../chat/types';
import type { SessionMedia } from '../media/devices';
import type { PeerTransport } from '../mesh/transport';
import type { Self } from '../protocol';
import { createSessionRuntime, isOver, type SessionRuntime } from '../session/runtime';
import { exposeModel, type ModelExposure } from './mirror';
import { createStreamRegistry, createStreamSender } from './stream-bridge';
import { encodeError, encodeValue } from './values';
import type { RecordingStore } from '../recording/types';
import { ViewMessage, type HostMessage, type OpenedRuntime } from './wire';

/** What the host keeps to itself: the chat log has its own channel (entries, not actions); voice plays here. */
export const HOST_ONLY = new Set(['chat.log', 'voice.streams']);

/** A session over for this rep stays this long for a view to show its end, then goes. */
const OVER_KEEP_MS = 10 * 60_000;

/** The parts of a BroadcastChannel the host and its views use. */
export interface HostChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface SessionHostDeps {
  channel: HostChannel;
  chatStore: ChatStore;
  /** Where the controller's recordings go (the extension's Dexie, which the panel reads too). */
  recordings?: RecordingStore;
  createTransport(brokerUrl: string, self: Self): PeerTransport;
  media: SessionMedia;
  /** Plays a runtime's voice streams in this document; returns how to stop. */
  playVoice?(runtime: SessionRuntime): () => void;
  overKeepMs?: number;
  WebSocket?: typeof WebSocket;
}

interface Hosted {
  runtime: SessionRuntime;
  exposure: ModelExposure;
  /** Session and participant: one runtime each, whoever asks. */
  key: string;
  token: string;
  cleanups: (() => void)[];
}

/**
 * The rep's sessions, living in a document that outlives the side panel (Chrome: an offscreen document):
 * broker events, the peer mesh, chat, shares, cameras and voice. The side panel, reopened or reloaded,
 * attaches to what runs here instead of dialing everyone again (see docs/architecture.md, "Session host").
 */
export function createSessionHost(deps: SessionHostDeps) {
  const hosted = new Map<string, Hosted>();
  const streams = createStreamRegistry();
  const encode = (value: unknown) => encodeValue(value, (s) => streams.idOf(s));
  const post = (message: HostMessage) => deps.channel.postMessage(message);
  const sender = createStreamSender({ streamOf: (id) => streams.get(id), post });
  let nextRuntime = 0;
  let rejected = 0;

  function dispose(id: string): void {
    const entry = hosted.get(id);
    if (!entry) return;
    hosted.delete(id);
    entry.cleanups.splice(0).forEach((stop) => stop());
    entry.exposure.dispose();
    entry.runtime.dispose();
    post({ type: 'gone', runtime: id });
  }

  /** The broker refused the rep's token: every runtime on it goes, and every view hears why. */
  function signedOut(token: string, reason: string): void {
    for (const [id, entry] of [...hosted]) {
      if (entry.token !== token) continue;
      post({ type: 'signed-out', runtime: id, reason });
      dispose(id);
    }
  }

  /** Tells the views of every chat entry that is new or changed, as the log changes. */
  function mirrorChat(id: string, runtime: SessionRuntime): () => void {
    return runtime.chat.log.watch((entries) => {
      if (entries.length > 0) post({ type: 'chat', runtime: id, entries: [...entries] });
    });
  }

  async function open(message: Extract<ViewMessage, { type: 'open' }>): Promise<OpenedRuntime & { entries: ChatEntry[] }> {
    const { detail, token, brokerUrl } = message;
    const key = `${detail.session.id}/${detail.self.participantId}`;
    let id = [...hosted].find(([, e]) => e.key === key && e.token === token && !isOver(e.runtime.status.peek()))?.[0];
    if (!id) {
      // A runtime of the same session on an older token (signed in again) or over: replaced.
      for (const [other, e] of [...hosted]) if (e.key === key) dispose(other);
      id = `r${++nextRuntime}`;
      const runtimeId = id;
      const runtime = await createSessionRuntime({
        broker: createBrokerClient({ baseUrl: brokerUrl, getToken: () => token }),
        eventsToken: token,
        detail,
        chatStore: deps.chatStore,
        ...(deps.recordings ? { recordings: deps.recordings } : {}),
        createTransport: (self) => deps.createTransport(brokerUrl, self),
        media: deps.media,
        onSignedOut: (reason) => signedOut(token, reason),
        ...(deps.WebSocket ? { WebSocket: deps.WebSocket } : {}),
      });
      const exposure = exposeModel(runtime as unknown as Record<string, unknown>, {
        skip: HOST_ONLY,
        encode,
        onChange: (signalId, value) => post({ type: 'signal', runtime: runtimeId, id: signalId, value }),
      });
      let overTimer: ReturnType<typeof setTimeout> | undefined;
      const cleanups = [
        mirrorChat(runtimeId, runtime),
        deps.playVoice?.(runtime) ?? (() => undefined),
        effect(() => {
          if (isOver(runtime.status.value) && !overTimer)
            overTimer = setTimeout(() => dispose(runtimeId), deps.overKeepMs ?? OVER_KEEP_MS);
        }),
        () => clearTimeout(overTimer),
      ];
      hosted.set(runtimeId, { runtime, exposure, key, token, cleanups });
    }
    const entry = hosted.get(id)!;
    return { runtime: id, shape: entry.exposure.describe(), entries: [...entry.runtime.chat.log.all()] };
  }

  async function call(message: Extract<ViewMessage, { type: 'call' }>): Promise<unknown> {
    const entry = hosted.get(message.runtime);
    if (!entry) throw new Error('This session is no longer open here. Reopen the panel.');
    if (message.path.length === 1 && message.path[0] === 'dispose') return dispose(message.runtime);
    return encode(await entry.exposure.call(message.path, message.args));
  }

  /** The viewer tab: the picture `key` names, from whichever session shows it, offered to that view. */
  async function showPicture(view: string, key: string): Promise<void> {
    const stream = [...hosted.values()].map((e) => allPictures(e.runtime).get(key)).find((s) => s?.active);
    if (!stream) return post({ type: 'picture', view, key });
    const id = streams.idOf(stream);
    post({ type: 'picture', view, key, stream: id });
    await sender.offer(view, id);
  }

  async function answer(message: Extract<ViewMessage, { type: 'open' | 'call' | 'hello' }>): Promise<void> {
    const { view, req } = message;
    try {
      const value =
        message.type === 'hello' ? 'ready' : message.type === 'open' ? encode(await open(message)) : await call(message);
      post({ type: 'reply', view, req, value });
    } catch (error) {
      post({ type: 'failed', view, req, error: encodeError(error) });
    }
  }

  deps.channel.addEventListener('message', (event) => {
    const parsed = v.safeParse(ViewMessage, event.data);
    if (!parsed.success) return void rejected++;
    const message = parsed.output;
    if (message.type === 'open' || message.type === 'call' || message.type === 'hello') void answer(message);
    else if (message.type === 'want-picture') void showPicture(message.view, message.key).catch(() => undefined);
    else void sender.receive(message).catch(() => undefined);
  });

  return {
    /** Runtimes held now (tests, and the document's own decision to stay). */
    get size() {
      return hosted.size;
    },
    /** Messages that were not the host protocol (dropped). */
    get rejectedCount() {
      return rejected;
    },
    /** Every session goes (the rep signed out everywhere, or the document closes). */
    close(): void {
      for (const id of [...hosted.keys()]) dispose(id);
      sender.close();
      deps.channel.close();
    },
  };
}

export type SessionHost = ReturnType<typeof createSessionHost>;
