import { useEffect, useRef } from 'preact/hooks';
import type { KnockNotifier } from '../../core/extension/knock-notifications';
import type { SessionRuntime } from '../../core/session/runtime';

/** Tells the rep about a new knock with a desktop notification when the panel does not have focus. */
export function useKnockNotifications(runtime: SessionRuntime | undefined, notifier: KnockNotifier | undefined): void {
  const seen = useRef(new Set<string>());
  const knocks = runtime?.knocks.value;
  useEffect(() => {
    if (!runtime || !knocks || !notifier) return;
    for (const knock of knocks) {
      if (seen.current.has(knock.waitId)) continue;
      seen.current.add(knock.waitId);
      if (!document.hasFocus()) notifier.show(knock, runtime.session.value.number);
    }
    notifier.keepOnly(new Set(knocks.map((k) => k.waitId)));
  }, [runtime, knocks, notifier]);
}
