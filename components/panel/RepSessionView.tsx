import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import { invitationText } from '../../core/invite/invitation-text';
import type { RepModel } from '../../core/session/rep-model';
import type { SessionRuntime } from '../../core/session/runtime';
import { ChatPanel } from '../ChatPanel';
import { ConfirmDialog } from '../ConfirmDialog';
import { Notice } from '../Notice';
import { ParticipantList } from '../ParticipantList';
import { ScreenView } from '../ScreenView';
import { KnockList } from './KnockList';
import { SessionInfo } from './SessionInfo';
import { SessionTools } from './SessionTools';

interface Props {
  model: RepModel;
  runtime: SessionRuntime;
  onOpenScreenInTab(participantId: string, title: string): void;
  openMailto(url: string): void;
}

/**
 * The rep's view of a live session: number and link, who is knocking, the tools, who is here, their
 * screens, the chat, and End (the controller) or Leave (an assistant).
 */
export function RepSessionView({ model, runtime, onOpenScreenInTab, openMailto }: Props) {
  const [confirming, setConfirming] = useState(false);
  const isController = runtime.self.role === 'controller';
  const shareStop = runtime.shareStop.value;
  const status = runtime.status.value;
  const session = runtime.session.value;
  const others = runtime.present.value.filter((p) => p.id !== runtime.self.participantId);
  const screens = [...runtime.share.remote.value];
  const nameOf = (id: string) => runtime.participants.value.find((p) => p.id === id)?.name ?? '';

  if (status === 'ended' || status === 'left') {
    return (
      <Notice title={status === 'left' ? t('left') : t('sessionEnded')}>
        <button type="button" class="primary" onClick={model.dismiss}>
          {t('backToStart')}
        </button>
      </Notice>
    );
  }

  return (
    <div class="stack">
      {!isController && <p class="muted">{t('assistingNote')}</p>}
      <SessionInfo
        number={session.number}
        joinUrl={isController ? session.joinUrl : undefined}
        copyText={(url) =>
          invitationText({ role: 'customer', url, number: session.number, siteUrl: model.capabilities.value?.siteUrl })
        }
      />
      {status !== 'live' && (
        <p class="status" role="status">
          {t('reconnecting')}
        </p>
      )}
      {isController && (
        <KnockList
          knocks={runtime.knocks.value}
          onAdmit={(waitId) => void runtime.admit(waitId).catch(() => undefined)}
          onDecline={(waitId) => void runtime.decline(waitId).catch(() => undefined)}
        />
      )}
      <SessionTools model={model} runtime={runtime} openMailto={openMailto} />
      <ParticipantList
        participants={runtime.participants.value}
        selfId={runtime.self.participantId}
        linkStates={runtime.linkStates.value}
        sharing={runtime.sharing.value}
        activeCustomerId={runtime.activeCustomerId.value}
        onSelectCustomer={isController ? (id) => void runtime.setActiveCustomer(id).catch(() => undefined) : undefined}
      />
      {shareStop && (
        <p class="status" role="status">
          {t('shareStoppedForSwitch', { name: nameOf(shareStop.activeCustomerId ?? '') })}
        </p>
      )}
      {runtime.refusals.value.map((refusal) => (
        <p key={refusal.at} class="status" role="alert">
          {t('customerRefused', { name: refusal.name })}
        </p>
      ))}
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
      <div class="row">
        {isController ? (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            {t('endSession')}
          </button>
        ) : (
          <button type="button" onClick={() => void model.leaveSession()}>
            {t('leaveSession')}
          </button>
        )}
      </div>
      {confirming && (
        <ConfirmDialog
          title={t('endSessionConfirm')}
          detail={t('endSessionConfirmDetail')}
          confirmLabel={t('endSession')}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void model.endSession();
          }}
        />
      )}
    </div>
  );
}
