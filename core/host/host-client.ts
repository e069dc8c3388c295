import * as v from 'valibot';
import { signal } from '@preact/signals-core';
import { BrokerError } from '../broker/errors';
import { createChatLog, type ChatLog } from '../chat/chat-log';
import type { ChatEntry } from '../chat/types';
import { randomId } from '../ids';
import { isBrokerErrorCode, type SessionDetail, type Self } from '../protocol';
import { chatRules } from '../session/chat-rules';
import type { SessionRuntime } from '../session/runtime';
import { materializeModel, type ModelView, type Shape } from './mirror';
import type { HostChannel } from './session-host';
import { createStreamReceiver } from './stream-bridge';
import { decodeValue, type WireError } from './values';
import { HostMessage, type OpenedRuntime, type ViewMessage } from './wire';

export interface OpenRequest {
  brokerUrl: string;
  token: string;
  detail: SessionDetail & { self: Self };
  /** The broker refused the rep's token while the session ran at the host. */
  onSignedOut(reason: string): void;
}

/** How often, and how many times, a view asks whether the host is there yet (it may be loading). */
const HELLO_EVERY_MS = 100;
const HELLO_TRIES = 100;
/** How often a viewer asks again for a picture nobody shows (yet). */
const PICTURE_ASK_MS = 1_000;
/** How long a picture on its way may take before the viewer asks for it anew. */
const PICTURE_WAIT_MS = 10_000;
/** How often an open view checks that the host still answers. */
const LIVENESS_MS = 5_000;

/**
 * An argument as it can cross: `onClick={voice.leave}` hands the action a click event, which cannot be
 * posted (and a local runtime ignored anyway); anything that cannot be cloned goes as undefined.
 */
const cloneable = (value: unknown): unknown => {
  try {
    structuredClone(value);
    return value;
  } catch {
    return undefined;
  }
};

const errorOf = (error: WireError): Error => {
  if (error.status !== undefined && error.code !== undefined)
    return new BrokerError(
      error.status,
      isBrokerErrorCode(error.code) ? error.code : `http_${error.status}`,
      error.message,
      error.retryAfterSeconds,
    );
  return Object.assign(new Error(error.message), { name: error.name });
};

/**
 * A view of the session host (the side panel): opens the rep's sessions there and gets back objects that
 * read and act like local runtimes (`SessionRuntime`), with every action a promise. Closing the view
 * leaves the sessions running at the host.
 */
export function createHostClient(
  channel: HostChannel,
  /** Starts the host document when it is not running (asked before every first contact). */
  start: () => Promise<void> = async () => undefined,
  options: {
    /**
     * The host stopped answering (Chrome closed it, the extension was updated): its sessions are gone and
     * the view must open them again (the side panel reloads). Checked every `livenessMs` while a session is open.
     */
    onLost?: () => void;
    livenessMs?: number;
  } = {},
) {
  const view = randomId();
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const runtimes = new Map<string, { model: ModelView; log: ChatLog; onSignedOut(reason: string): void }>();
  let nextRequest = 0;
  let ready: Promise<void> | undefined;
  /** The viewer's pictures: which stream each key is, and when the host was last asked. */
  const pictures = new Map<string, { stream?: string; askedAt: number }>();

  const post = (message: ViewMessage) => channel.postMessage(message);
  const streams = createStreamReceiver({
    view,
    post,
    onArrived: (id) => runtimes.forEach(({ model }) => model.streamArrived(id)),
  });

  function request(message: ViewMessage extends infer M ? (M extends { req: number } ? Omit<M, 'view' | 'req'> : never) : never) {
    const req = nextRequest++;
    return new Promise<unknown>((resolve, reject) => {
      pending.set(req, { resolve, reject });
      post({ ...message, view, req } as ViewMessage);
    });
  }

  /** Resolves once the host answers (it may still be loading when the panel first asks). */
  function whenReady(): Promise<void> {
    ready ??= start().then(
      () =>
        new Promise<void>((resolve, reject) => {
          let tries = 0;
          const ask = () => {
            if (tries++ >= HELLO_TRIES) {
              ready = undefined;
              return reject(new Error('The session host did not start.'));
            }
            const req = nextRequest++;
            const timer = setTimeout(() => {
              pending.delete(req);
              ask();
            }, HELLO_EVERY_MS);
            pending.set(req, {
              resolve: () => {
                clearTimeout(timer);
                resolve();
              },
              reject: () => undefined,
            });
            post({ type: 'hello', view, req });
          };
          ask();
        }),
    );
    ready.catch(() => (ready = undefined));
    return ready;
  }

  // While sessions are open, the host must keep answering: two asks in a row without a reply mean it is gone.
  let liveness: ReturnType<typeof setInterval> | undefined;
  function watchHost(): void {
    if (liveness || !options.onLost) return;
    let unanswered = 0;
    let answered = true;
    liveness = setInterval(() => {
      unanswered = answered ? 0 : unanswered + 1;
      if (unanswered >= 2) {
        clearInterval(liveness);
        liveness = undefined;
        return options.onLost?.();
      }
      answered = false;
      const req = nextRequest++;
      pending.set(req, { resolve: () => (answered = true), reject: () => (answered = true) });
      post({ type: 'hello', view, req });
    }, options.livenessMs ?? LIVENESS_MS);
  }

  channel.addEventListener('message', (event) => {
    const parsed = v.safeParse(HostMessage, event.data);
    if (!parsed.success) return;
    const message = parsed.output;
    switch (message.type) {
      case 'reply':
      case 'failed': {
        if (message.view !== view) return;
        const waiting = pending.get(message.req);
        pending.delete(message.req);
        if (message.type === 'reply') waiting?.resolve(message.value);
        else waiting?.reject(errorOf(message.error));
        return;
      }
      case 'picture':
        if (message.view === view) pictures.set(message.key, { stream: message.stream, askedAt: Date.now() });
        return;
      case 'signal':
        return runtimes.get(message.runtime)?.model.apply(message.id, message.value);
      case 'chat': {
        const log = runtimes.get(message.runtime)?.log;
        const entries = message.entries as ChatEntry[];
        // One message (the usual case) goes in its place; many at once are sorted once.
        if (entries.length === 1) log?.put(entries[0]!);
        else log?.putMany(entries);
        return;
      }
      case 'signed-out':
        return runtimes.get(message.runtime)?.onSignedOut(message.reason);
      case 'gone':
        return void runtimes.delete(message.runtime);
      default:
        // A picture that ended at the host is asked for again at once (the share may have restarted).
        if (message.type === 'no-stream' && message.view === view)
          for (const [key, known] of pictures) if (known.stream === message.stream) pictures.set(key, { askedAt: 0 });
        return void streams.receive(message).catch(() => undefined);
    }
  });

  return {
    /** The rep's runtime of a session, running at the host (started there, or already running). */
    async open(request_: OpenRequest): Promise<SessionRuntime> {
      await whenReady();
      const { brokerUrl, token, detail, onSignedOut } = request_;
      const opened = (await request({ type: 'open', brokerUrl, token, detail })) as OpenedRuntime & {
        entries: ChatEntry[];
      };
      // Nothing awaits from here on: a change the host sends next finds the runtime registered.
      const id = opened.runtime;
      const model = materializeModel(opened.shape as Shape, {
        call: (path, args) => request({ type: 'call', runtime: id, path: [...path], args: args.map(cloneable) }),
        decode: (value, seen) => decodeValue(value, (streamId) => streams.get(streamId), seen),
      });
      const log = createChatLog();
      log.load(opened.entries);
      runtimes.set(id, { model, log, onSignedOut });
      watchHost();
      return runtimeView(model.root, log);
    },
    /**
     * The picture `key` names (see `allPictures`), from any session at the host, for a viewer tab: undefined
     * until it arrives, or while nobody shows it. Polled; asks the host again at most every PICTURE_ASK_MS.
     */
    picture(key: string): MediaStream | undefined {
      const known = pictures.get(key);
      const stream = known?.stream ? streams.peek(known.stream) : undefined;
      if (stream?.getTracks().some((track) => track.readyState === 'live')) return stream;
      // Nobody showed it: ask again now and then; on its way: give it time before asking anew.
      const again = known?.stream ? PICTURE_WAIT_MS : PICTURE_ASK_MS;
      if (!known || Date.now() - known.askedAt >= again) {
        pictures.set(key, { askedAt: Date.now() });
        void whenReady().then(() => post({ type: 'want-picture', view, key }));
      }
      return undefined;
    },
    close(): void {
      clearInterval(liveness);
      streams.close();
      channel.close();
    },
  };
}

export type HostClient = ReturnType<typeof createHostClient>;

/**
 * What a view computes for itself instead of asking: answers read synchronously while rendering (names,
 * who may read a thread, the chat log's windows) and the voice streams (they play at the host).
 */
function runtimeView(root: Record<string, unknown>, log: ChatLog): SessionRuntime {
  const runtime = root as unknown as SessionRuntime;
  const mutable = root as Record<string, unknown> & { chat: Record<string, unknown>; voice: Record<string, unknown> };
  mutable.chat.log = log;
  mutable.voice.streams = signal(new Map());
  mutable.nameOf = (participantId: string) => runtime.state.value.participants.find((p) => p.id === participantId)?.name ?? '';
  mutable.chatRules = chatRules({
    self: runtime.self,
    participants: () => runtime.present.value,
    everyone: () => runtime.participants.value,
  });
  return runtime;
}
