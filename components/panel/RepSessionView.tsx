import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { ChatPanel } from '../ChatPanel';
import { ConfirmDialog } from '../ConfirmDialog';
import { Notice } from '../Notice';
import { ParticipantList } from '../ParticipantList';
import { ScreenView } from '../ScreenView';
import { SessionInfo } from './SessionInfo';

interface Props {
  runtime: SessionRuntime;
  onEnd(): Promise<void>;
  onDismiss(): void;
  onOpenScreenInTab(participantId: string, title: string): void;
}

/** The rep's view of a live session: number and link, who is here, their screens, the chat, End. */
export function RepSessionView({ runtime, onEnd, onDismiss, onOpenScreenInTab }: Props) {
  const [confirming, setConfirming] = useState(false);
  const status = runtime.status.value;
  const session = runtime.session.value;
  const others = runtime.present.value.filter((p) => p.id !== runtime.self.participantId);
  const screens = [...runtime.share.remote.value];
  const nameOf = (id: string) => runtime.participants.value.find((p) => p.id === id)?.name ?? '';

  if (status === 'ended' || status === 'left') {
    return (
      <Notice title={t('sessionEnded')}>
        <button type="button" class="primary" onClick={onDismiss}>
          {t('backToStart')}
        </button>
      </Notice>
    );
  }

  return (
    <div class="stack">
      <SessionInfo number={session.number} joinUrl={session.joinUrl} />
      {status !== 'live' && (
        <p class="status" role="status">
          {t('reconnecting')}
        </p>
      )}
      <ParticipantList
        participants={runtime.present.value}
        selfId={runtime.self.participantId}
        linkStates={runtime.linkStates.value}
      />
      {others.length === 0 && (
        <p class="muted" role="status">
          {t('waitingForCustomer')}
        </p>
      )}
      {screens.map(([participantId, stream]) => {
        const title = t('customerScreen', { name: nameOf(participantId) });
        return (
          <ScreenView
            key={participantId}
            title={title}
            stream={stream}
            onOpenInTab={() => onOpenScreenInTab(participantId, title)}
          />
        );
      })}
      {others.length > 0 && screens.length === 0 && <p class="muted">{t('noScreen')}</p>}
      <ChatPanel entries={runtime.chat.entries.value} onSend={(text) => runtime.chat.send(text)} />
      {runtime.self.role === 'controller' && (
        <div class="row">
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            {t('endSession')}
          </button>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={t('endSessionConfirm')}
          detail={t('endSessionConfirmDetail')}
          confirmLabel={t('endSession')}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void onEnd();
          }}
        />
      )}
    </div>
  );
}
