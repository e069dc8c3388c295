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

/** Why the extension would not take an invitation (the page words it in the reader's language). */
export const AssistRefusal = v.picklist(['other-broker', 'no-click']);
export type AssistRefusal = v.InferOutput<typeof AssistRefusal>;

/** What the background answers: the side panel took the invitation; whether the rep still has to sign in. */
export const AssistReply = v.object({
  ok: v.boolean(),
  signedIn: v.boolean(),
  message: v.optional(v.string()),
  refusal: v.optional(AssistRefusal),
  /** false: the browser would not open the dashboard from here (Firefox: a page's click is not the extension's). */
  dashboardOpened: v.optional(v.boolean()),
});
export type AssistReply = v.InferOutput<typeof AssistReply>;

const ExtensionMessage = v.variant('type', [
  /** `ownBroker` false: the extension is set up for another broker than this page's. */
  v.object({ source: v.literal(EXTENSION), type: v.literal('present'), ownBroker: v.optional(v.boolean()) }),
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

/** A window whose clicks the content script can watch (a page cannot fake `isTrusted`). */
type ClickableWindow = BridgeWindow & {
  addEventListener(type: 'click', listener: (event: { isTrusted: boolean }) => void, capture: boolean): void;
};

/** How long after a real click on the page an invitation may be handed over. */
export const CLICK_WINDOW_MS = 5_000;

function listen<S extends v.GenericSchema>(win: BridgeWindow, schema: S, onMessage: (message: v.InferOutput<S>) => void) {
  const listener = (event: MessageEvent) => {
    if (event.source !== (win as unknown) || event.origin !== win.location.origin) return;
    const parsed = v.safeParse(schema, event.data);
    if (parsed.success) onMessage(parsed.output);
  };
  win.addEventListener('message', listener);
  return () => win.removeEventListener('message', listener);
}

export interface AnswerAssistDeps {
  /** Passes the invitation on to the background (which checks the origin again). */
  handOver(invite: string): Promise<AssistReply>;
  /** Is this origin a broker the extension is set up for? Only those pages may hand invitations over. */
  isOwnBroker(origin: string): Promise<boolean>;
  now?(): number;
}

/**
 * Extension side (content script): says it is here, and passes an invitation on to the background —
 * only on the broker the extension is set up for, and only right after the person clicked on the page
 * (a script on the page cannot fake a trusted click), so no page can push a rep into a session.
 */
export function answerAssistPage(win: ClickableWindow, deps: AnswerAssistDeps): void {
  const now = deps.now ?? Date.now;
  const post = (message: ExtensionMessage) => win.postMessage(message, win.location.origin);
  const refuse = (refusal: AssistRefusal) =>
    post({ source: EXTENSION, type: 'assist-result', reply: { ok: false, signedIn: false, refusal } });
  let clickedAt = -Infinity;
  win.addEventListener('click', (event) => event.isTrusted && (clickedAt = now()), true);
  const ownBroker = () => deps.isOwnBroker(win.location.origin).catch(() => false);

  listen(win, PageMessage, async (message) => {
    if (message.type === 'ping') return post({ source: EXTENSION, type: 'present', ownBroker: await ownBroker() });
    if (!(await ownBroker())) return refuse('other-broker');
    if (now() - clickedAt > CLICK_WINDOW_MS) return refuse('no-click');
    void deps
      .handOver(message.invite)
      .then((reply) => v.parse(AssistReply, reply))
      .catch((error: unknown) => ({
        ok: false,
        signedIn: false,
        message: error instanceof Error ? error.message : String(error),
      }))
      .then((reply) => post({ source: EXTENSION, type: 'assist-result', reply }));
  });
  void ownBroker().then((own) => post({ source: EXTENSION, type: 'present', ownBroker: own }));
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
    /**
     * Whether the extension answers within the time (its content script runs once the page has loaded),
     * and whether it is set up for this page's broker.
     */
    async detect(timeoutMs = 1500): Promise<'absent' | 'present' | 'other-broker'> {
      const answer = next('present', timeoutMs);
      post({ source: PAGE, type: 'ping' });
      const present = await answer;
      return !present ? 'absent' : present.ownBroker === false ? 'other-broker' : 'present';
    },
    async handOver(invite: string, timeoutMs = 15_000): Promise<AssistReply> {
      const answer = next('assist-result', timeoutMs);
      post({ source: PAGE, type: 'assist', invite });
      return (await answer)?.reply ?? { ok: false, signedIn: false, message: 'The extension did not answer' };
    },
  };
}

export type AssistPageBridge = ReturnType<typeof createAssistPageBridge>;
