import { groupSessionNumber } from '../../core/protocol';
import { t, type MessageKey } from '../../core/i18n';
import type { RepModel } from '../../core/session/rep-model';
import type { SessionRuntime, SessionStatus } from '../../core/session/runtime';
import { SessionActions } from './SessionActions';
import { tabLabel } from './SessionTabBar';
import { SessionTimer } from './SessionTimer';
import { RecordingIndicator } from '../media/RecordingIndicator';

const stateText: Partial<Record<SessionStatus, MessageKey>> = {
  connecting: 'stateConnecting',
  live: 'stateLive',
  reconnecting: 'reconnecting',
};

/**
 * One compact line about the session shown: whom it is about, its number, its state, how long it has
 * run, and its one overflow menu (pass control, end, leave). Everything else lives below.
 */
export function SessionHeader({
  model,
  runtime,
  customerName,
}: {
  model: RepModel;
  runtime: SessionRuntime;
  customerName?: string;
}) {
  const status = runtime.status.value;
  const session = runtime.session.value;
  const dot = status === 'live' ? 'connected' : 'connecting';
  const key = stateText[status];
  const recording = runtime.recordingState.value;
  return (
    <header class="session-header">
      <div class="session-title">
        <h1 class="ellipsis">{customerName ?? t('noCustomerYet')}</h1>
        <div class="session-meta">
          <span class="sr-only">{t('sessionNumber')}:</span>
          <span class="number-inline" data-testid="session-number">
            {groupSessionNumber(session.number)}
          </span>
          {key && (
            <span class="state">
              <span class={`dot ${dot}`} aria-hidden="true" />
              {t(key)}
            </span>
          )}
          <SessionTimer since={session.createdAt} />
          {recording && <RecordingIndicator since={recording.since} />}
        </div>
      </div>
      <SessionActions
        model={model}
        runtime={runtime}
        variant="menu"
        menuLabel={t('sessionActionsFor', { name: tabLabel(runtime) })}
      />
    </header>
  );
}
