import { groupSessionNumber } from '../../core/protocol';
import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';

interface Props {
  /** The tabs; none in single-session mode with one session. */
  sessions: readonly SessionRuntime[];
  selectedId: string | undefined;
  unread: ReadonlyMap<string, number>;
  onSelect(sessionId: string): void;
  /** Start another session beside these (in single-session mode the broker refuses while one is live). */
  onNewSession(): void;
}

/** The customer a tab is about: the one being helped, else the first to join, else the session number. */
function tabLabel(runtime: SessionRuntime): string {
  const customers = runtime.present.value.filter((p) => p.role === 'customer');
  const active = customers.find((p) => p.id === runtime.activeCustomerId.value);
  return (active ?? customers[0])?.name ?? groupSessionNumber(runtime.session.value.number);
}

const dotFor = (runtime: SessionRuntime) =>
  runtime.status.value === 'live'
    ? 'connected'
    : runtime.status.value === 'ended' || runtime.status.value === 'left'
      ? 'offline'
      : 'connecting';

/** One tab per session; arrow keys move between tabs, as in any tab list. */
export function SessionTabBar({ sessions, selectedId, unread, onSelect, onNewSession }: Props) {
  const move = (from: number, by: number) => {
    const next = sessions[(from + by + sessions.length) % sessions.length];
    if (next) {
      onSelect(next.sessionId);
      document.getElementById(`tab-${next.sessionId}`)?.focus();
    }
  };
  return (
    <div class="row">
      {sessions.length > 0 && (
        <div class="tabs" role="tablist" aria-label={t('sessionsTabs')} style={{ flex: 1 }}>
          {sessions.map((runtime, index) => {
            const selected = runtime.sessionId === selectedId;
            const count = unread.get(runtime.sessionId) ?? 0;
            return (
              <button
                key={runtime.sessionId}
                id={`tab-${runtime.sessionId}`}
                type="button"
                role="tab"
                aria-selected={selected}
                aria-label={tabLabel(runtime)}
                tabIndex={selected ? 0 : -1}
                onClick={() => onSelect(runtime.sessionId)}
                onKeyDown={(ev) => {
                  if (ev.key === 'ArrowRight') move(index, 1);
                  if (ev.key === 'ArrowLeft') move(index, -1);
                }}
              >
                <span class={`dot ${dotFor(runtime)}`} aria-hidden="true" />
                {tabLabel(runtime)}
                {count > 0 && (
                  <span class="unread" data-testid="unread" title={t('unreadCount', { count })}>
                    {count}
                  </span>
                )}
              </button>
            );
          })}
        </div>
      )}
      <button type="button" onClick={onNewSession}>
        {t('newSession')}
      </button>
    </div>
  );
}
