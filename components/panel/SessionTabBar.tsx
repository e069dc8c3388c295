import { groupSessionNumber } from '../../core/protocol';
import { t } from '../../core/i18n';
import { isOver, type SessionRuntime } from '../../core/session/runtime';
import { TabList } from '../TabList';

interface Props {
  /** The tabs; none in single-session mode with one session. */
  sessions: readonly SessionRuntime[];
  selectedId: string | undefined;
  unread: ReadonlyMap<string, number>;
  onSelect(sessionId: string): void;
  /** Start another session beside these; absent when it cannot work (single mode with a live session). */
  onNewSession?(): void;
}

/** The customer a tab is about: the one being helped, else the first to join, else the session number. */
export function tabLabel(runtime: SessionRuntime): string {
  const customers = runtime.present.value.filter((p) => p.role === 'customer');
  const active = customers.find((p) => p.id === runtime.activeCustomerId.value);
  return (active ?? customers[0])?.name ?? groupSessionNumber(runtime.session.value.number);
}

const dotFor = (runtime: SessionRuntime) =>
  runtime.status.value === 'live' ? 'connected' : isOver(runtime.status.value) ? 'offline' : 'connecting';

/** One tab per session (one line, scrolling sideways), and New session. */
export function SessionTabBar({ sessions, selectedId, unread, onSelect, onNewSession }: Props) {
  if (sessions.length === 0 && !onNewSession) return null;
  return (
    <div class="session-tabs">
      {sessions.length > 0 && (
        <TabList
          label={t('sessionsTabs')}
          idPrefix="tab"
          selectedId={selectedId}
          onSelect={onSelect}
          tabs={sessions.map((runtime) => {
            const count = unread.get(runtime.sessionId) ?? 0;
            return {
              id: runtime.sessionId,
              label: tabLabel(runtime),
              icon: <span class={`dot ${dotFor(runtime)}`} aria-hidden="true" />,
              unread: count,
              unreadLabel: t('unreadCount', { count }),
            };
          })}
        />
      )}
      {onNewSession && (
        <button type="button" class="small new-session" onClick={onNewSession}>
          {t('newSession')}
        </button>
      )}
    </div>
  );
}
