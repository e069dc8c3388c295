import { useEffect, useRef } from 'preact/hooks';
import type { KnockNotifier } from '../../core/extension/knock-notifications';
import type { SessionRuntime } from '../../core/session/runtime';

/**
 * Tells the rep about a new knock in any of their sessions with a desktop notification when the panel
 * does not have focus, and takes notifications down when their knock is over.
 */
export function useKnockNotifications(sessions: readonly SessionRuntime[], notifier: KnockNotifier | undefined): void {
  const seen = useRef(new Set<string>());
  const controlled = sessions.filter((runtime) => runtime.permissions.value.isController);
  const knocks = controlled.flatMap((runtime) => runtime.knocks.value.map((knock) => ({ knock, runtime })));
  useEffect(() => {
    if (!notifier) return;
    for (const { knock, runtime } of knocks) {
      if (seen.current.has(knock.waitId)) continue;
      seen.current.add(knock.waitId);
      if (!document.hasFocus()) notifier.show(knock, runtime.session.value.number);
    }
    notifier.keepOnly(new Set(knocks.map(({ knock }) => knock.waitId)));
  }, [knocks.map(({ knock }) => knock.waitId).join(), notifier]);
}
