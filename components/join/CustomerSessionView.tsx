import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { ChatPanel } from '../ChatPanel';
import { Notice } from '../Notice';
import { ScreenView } from '../ScreenView';

/** The customer's session: who helps them, the chat, and sharing their screen. */
export function CustomerSessionView({ runtime, onLeave }: { runtime: SessionRuntime; onLeave(): void }) {
  const [shareMessage, setShareMessage] = useState<string>();
  const status = runtime.status.value;
  const rep = runtime.present.value.find((p) => p.role === 'controller');
  const sharing = runtime.share.local.value !== null;
  const screens = [...runtime.share.remote.value];
  const nameOf = (id: string) => runtime.participants.value.find((p) => p.id === id)?.name ?? '';

  if (status === 'ended') return <Notice title={t('sessionEnded')} detail={t('sessionEndedDetail')} />;
  if (status === 'left') return <Notice title={t('left')} />;

  return (
    <div class="stack">
      <header class="row">
        <h1 style={{ flex: 1 }}>{rep ? t('connectedWith', { name: rep.name }) : t('appName')}</h1>
        <button type="button" onClick={onLeave}>
          {t('leave')}
        </button>
      </header>
      {status !== 'live' && (
        <p class="status" role="status">
          {t('reconnecting')}
        </p>
      )}
      <section class="card stack" aria-label={t('shareScreen')}>
        <div class="row">
          {sharing ? (
            <button type="button" class="danger" onClick={() => runtime.share.stop()}>
              {t('stopSharing')}
            </button>
          ) : (
            <button
              type="button"
              class="primary"
              onClick={async () => {
                setShareMessage(undefined);
                const result = await runtime.share.start();
                if (!result.ok)
                  setShareMessage(result.cancelled ? t('shareCancelled') : t('shareFailed', { reason: result.reason }));
              }}
            >
              {t('shareScreen')}
            </button>
          )}
          <span role="status" class="muted">
            {sharing ? t('sharingNow', { name: rep?.name ?? '' }) : (shareMessage ?? '')}
          </span>
        </div>
      </section>
      {runtime.shareStop.value && (
        <p class="status" role="status">
          {t('shareStoppedForSwitchCustomer')}
        </p>
      )}
      {screens.map(([participantId, stream]) => (
        <ScreenView key={participantId} title={t('customerScreen', { name: nameOf(participantId) })} stream={stream} />
      ))}
      <ChatPanel entries={runtime.chat.entries.value} onSend={(text) => runtime.chat.send(text)} />
    </div>
  );
}
