import type { ComponentChildren } from 'preact';
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
  /** Start another session beside these (in single-session mode the broker refuses while one is live). */
  onNewSession(): void;
  /** The shown session's menu (Pass control, End, Leave), beside the tabs. */
  actions?: ComponentChildren;
}

/** The customer a tab is about: the one being helped, else the first to join, else the session number. */
export function tabLabel(runtime: SessionRuntime): string {
  const customers = runtime.present.value.filter((p) => p.role === 'customer');
  const active = customers.find((p) => p.id === runtime.activeCustomerId.value);
  return (active ?? customers[0])?.name ?? groupSessionNumber(runtime.session.value.number);
}

const dotFor = (runtime: SessionRuntime) =>
  runtime.status.value === 'live' ? 'connected' : isOver(runtime.status.value) ? 'offline' : 'connecting';

/** One tab per session, and New session. */
export function SessionTabBar({ sessions, selectedId, unread, onSelect, onNewSession, actions }: Props) {
  return (
    <div class="row">
      {sessions.length > 0 && (
        <div style={{ flex: 1 }}>
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
        </div>
      )}
      {sessions.length > 0 && actions}
      <button type="button" onClick={onNewSession}>
        {t('newSession')}
      </button>
    </div>
  );
}
