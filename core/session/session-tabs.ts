import { computed, effect, signal, type ReadonlySignal } from '@preact/signals-core';
import type { SessionRuntime } from './runtime';

const fromOthers = (runtime: SessionRuntime) => runtime.chat.log.countFromOthers();

/**
 * The rep's open sessions, one tab each: which one is shown, and how many chat messages arrived in the
 * others since they were last looked at. Switching tabs only changes what is shown: every runtime keeps
 * its connections and shares.
 */
export function createSessionTabs() {
  const runtimes = signal<readonly SessionRuntime[]>([]);
  const selectedId = signal<string | undefined>(undefined);
  /** Per session: messages from others already seen (history counts as seen). */
  const seen = signal<ReadonlyMap<string, number>>(new Map());
  const selected = computed(() => runtimes.value.find((r) => r.sessionId === selectedId.value));
  const markSeen = (runtime: SessionRuntime) => {
    const count = fromOthers(runtime);
    if (seen.peek().get(runtime.sessionId) !== count) seen.value = new Map(seen.peek()).set(runtime.sessionId, count);
  };
  // Whatever arrives in the tab being looked at is read at once.
  effect(() => {
    const runtime = selected.value;
    if (runtime) markSeen(runtime);
  });

  return {
    runtimes: runtimes as ReadonlySignal<readonly SessionRuntime[]>,
    selected,
    unread: computed(
      () =>
        new Map(
          runtimes.value.map((r) => [
            r.sessionId,
            r === selected.value ? 0 : Math.max(0, fromOthers(r) - (seen.value.get(r.sessionId) ?? 0)),
          ]),
        ),
    ),
    get(sessionId: string): SessionRuntime | undefined {
      return runtimes.value.find((r) => r.sessionId === sessionId);
    },
    /** Adds a session's runtime (replacing an older one of the same session), shown at once when `show`. */
    add(runtime: SessionRuntime, show: boolean): void {
      const old = this.get(runtime.sessionId);
      if (old && old !== runtime) old.dispose();
      markSeen(runtime);
      runtimes.value = [...runtimes.value.filter((r) => r.sessionId !== runtime.sessionId), runtime];
      if (show || !selectedId.value) selectedId.value = runtime.sessionId;
    },
    select(sessionId: string): void {
      if (this.get(sessionId)) selectedId.value = sessionId;
    },
    /** Closes one tab; the next one is shown. */
    remove(sessionId: string): void {
      this.get(sessionId)?.dispose();
      runtimes.value = runtimes.value.filter((r) => r.sessionId !== sessionId);
      if (selectedId.value === sessionId) selectedId.value = runtimes.value[0]?.sessionId;
    },
    clear(): void {
      runtimes.value.forEach((r) => r.dispose());
      runtimes.value = [];
      selectedId.value = undefined;
    },
  };
}

export type SessionTabs = ReturnType<typeof createSessionTabs>;
