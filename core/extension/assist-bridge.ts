import * as v from 'valibot';

/**
 * How the /assist page and the extension talk: window messages between the page and the extension's
 * content script on it, then a runtime message to the background. Every hop is validated; only the
 * page's own window, on its own origin, is listened to.
 */
const PAGE = 'remote-support-page';
const EXTENSION = 'remote-support-extension';
const Invite = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/));

const PageMessage = v.variant('type', [
  v.object({ source: v.literal(PAGE), type: v.literal('ping') }),
  v.object({ source: v.literal(PAGE), type: v.literal('assist'), invite: Invite }),
]);

/** What the background answers: the side panel took the invitation; whether the rep still has to sign in. */
export const AssistReply = v.object({ ok: v.boolean(), signedIn: v.boolean(), message: v.optional(v.string()) });
export type AssistReply = v.InferOutput<typeof AssistReply>;

const ExtensionMessage = v.variant('type', [
  v.object({ source: v.literal(EXTENSION), type: v.literal('present') }),
  v.object({ source: v.literal(EXTENSION), type: v.literal('assist-result'), reply: AssistReply }),
]);
type ExtensionMessage = v.InferOutput<typeof ExtensionMessage>;

/** Content script → background. */
export const AssistRuntimeMessage = v.object({ type: v.literal('assist'), invite: Invite });

/** The window the bridge runs in (structural, so core needs no DOM lib types beyond these). */
interface BridgeWindow {
  location: { origin: string };
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

function listen<S extends v.GenericSchema>(win: BridgeWindow, schema: S, onMessage: (message: v.InferOutput<S>) => void) {
  const listener = (event: MessageEvent) => {
    if (event.source !== (win as unknown) || event.origin !== win.location.origin) return;
    const parsed = v.safeParse(schema, event.data);
    if (parsed.success) onMessage(parsed.output);
  };
  win.addEventListener('message', listener);
  return () => win.removeEventListener('message', listener);
}

/** Extension side (content script): says it is here, and passes an invitation on to the background. */
export function answerAssistPage(win: BridgeWindow, handOver: (invite: string) => Promise<AssistReply>): void {
  const post = (message: ExtensionMessage) => win.postMessage(message, win.location.origin);
  listen(win, PageMessage, (message) => {
    if (message.type === 'ping') return post({ source: EXTENSION, type: 'present' });
    void handOver(message.invite)
      .then((reply) => v.parse(AssistReply, reply))
      .catch((error: unknown) => ({
        ok: false,
        signedIn: false,
        message: error instanceof Error ? error.message : String(error),
      }))
      .then((reply) => post({ source: EXTENSION, type: 'assist-result', reply }));
  });
  post({ source: EXTENSION, type: 'present' });
}

/** Page side: is the extension here, and hand it an invitation. */
export function createAssistPageBridge(win: BridgeWindow) {
  const post = (message: v.InferOutput<typeof PageMessage>) => win.postMessage(message, win.location.origin);
  const next = <T extends ExtensionMessage['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<ExtensionMessage, { type: T }> | undefined>((resolve) => {
      const stop = listen(win, ExtensionMessage, (message) => {
        if (message.type !== type) return;
        stop();
        clearTimeout(timer);
        resolve(message as Extract<ExtensionMessage, { type: T }>);
      });
      const timer = setTimeout(() => {
        stop();
        resolve(undefined);
      }, timeoutMs);
    });

  return {
    /** True when the extension answers within the time; its content script runs once the page has loaded. */
    async detect(timeoutMs = 1500): Promise<boolean> {
      const answer = next('present', timeoutMs);
      post({ source: PAGE, type: 'ping' });
      return (await answer) !== undefined;
    },
    async handOver(invite: string, timeoutMs = 15_000): Promise<AssistReply> {
      const answer = next('assist-result', timeoutMs);
      post({ source: PAGE, type: 'assist', invite });
      return (await answer)?.reply ?? { ok: false, signedIn: false, message: 'The extension did not answer' };
    },
  };
}

export type AssistPageBridge = ReturnType<typeof createAssistPageBridge>;
