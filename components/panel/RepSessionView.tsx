import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../core/i18n';
import { invitationText } from '../../core/invite/invitation-text';
import type { Participant } from '../../core/protocol';
import type { RepModel } from '../../core/session/rep-model';
import { isOver, type EndReason, type SessionRuntime } from '../../core/session/runtime';
import { activityNoticeText } from '../activity-notice';
import { ConfirmDialog } from '../ConfirmDialog';
import { ErrorLine } from '../Field';
import { Notice } from '../Notice';
import { ParticipantList } from '../ParticipantList';
import { RelayAlert } from '../RelayAlert';
import { ScreenView } from '../ScreenView';
import { SectionBoundary } from '../SectionBoundary';
import { KnockList } from './KnockList';
import { RepChat } from './RepChat';
import { SessionActions } from './SessionActions';
import { SessionInfo } from './SessionInfo';
import { SessionTools } from './SessionTools';
import { RepMedia } from '../media/RepMedia';
import { VoiceControls } from '../media/VoiceControls';
import { DEVICE_PERMISSION_PAGE } from '../../core/media/device-permission';

interface Props {
  model: RepModel;
  runtime: SessionRuntime;
  onOpenScreenInTab(participantId: string, title: string): void;
  openMailto(url: string): void;
}

const endTitle: Record<EndReason, MessageKey> = {
  ended: 'sessionEnded',
  left: 'left',
  removed: 'removedFromSessionRep',
  timeout: 'timedOutOfSession',
};

/**
 * The rep's view of a live session: number and link, who is knocking, the tools, who is here, their
 * screens, the conversations, and End (the controller) or Leave (an assistant). Each part is fenced
 * off: if one fails to render, the others (End session among them) stay usable.
 */
export function RepSessionView({ model, runtime, onOpenScreenInTab, openMailto }: Props) {
  const [removing, setRemoving] = useState<Participant>();
  const [removeError, setRemoveError] = useState<string>();
  const { isController } = runtime.permissions.value;
  const controller = runtime.controller.value;
  const notice = runtime.notice.value;
  const status = runtime.status.value;
  const session = runtime.session.value;
  const others = runtime.present.value.filter((p) => p.id !== runtime.self.participantId);
  const customers = runtime.present.value.filter((p) => p.role === 'customer');
  const screens = [...runtime.share.remote.value];
  const { nameOf } = runtime;

  if (isOver(status)) {
    return (
      <Notice title={t(endTitle[status])}>
        <button type="button" class="primary" onClick={model.dismiss}>
          {t('backToStart')}
        </button>
      </Notice>
    );
  }

  const remove = async (participant: Participant) => {
    setRemoving(undefined);
    setRemoveError(undefined);
    try {
      await runtime.remove(participant.id);
    } catch (error) {
      setRemoveError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div class="stack">
      {!isController && (
        <p class="muted" role="note">
          {t('assistingNote')} {controller && t('controlledBy', { name: controller.name })}
        </p>
      )}
      <SectionBoundary name={t('sessionNumber')}>
        <SessionInfo
          number={session.number}
          joinUrl={isController ? session.joinUrl : undefined}
          copyText={(url) =>
            invitationText({ role: 'customer', url, number: session.number, siteUrl: model.capabilities.value?.siteUrl })
          }
        />
      </SectionBoundary>
      {status !== 'live' && (
        <p class="status" role="status">
          {t('reconnecting')}
        </p>
      )}
      {isController && (
        <SectionBoundary name={t('knocksSection')}>
          {runtime.manyKnocks.value && (
            <p class="status" role="alert">
              {t('manyKnocks', { count: runtime.manyKnocks.value.count })}
            </p>
          )}
          <KnockList
            knocks={runtime.knocks.value}
            onAdmit={(waitId) => void runtime.admit(waitId).catch(() => undefined)}
            onDecline={(waitId) => void runtime.decline(waitId).catch(() => undefined)}
          />
        </SectionBoundary>
      )}
      <SectionBoundary name={t('tools')}>
        <SessionTools model={model} runtime={runtime} openMailto={openMailto} />
        <VoiceControls runtime={runtime} permissionPage={DEVICE_PERMISSION_PAGE} />
      </SectionBoundary>
      <SectionBoundary name={t('sessionPlace')}>
        <section class="stack" aria-label={t('sessionPlace')}>
          <ParticipantList
            participants={runtime.participants.value}
            selfId={runtime.self.participantId}
            linkStates={runtime.linkStates.value}
            sharing={runtime.sharing.value}
            activeCustomerId={runtime.activeCustomerId.value}
            onSelectCustomer={isController ? (id) => void runtime.setActiveCustomer(id).catch(() => undefined) : undefined}
            onRemove={isController ? setRemoving : undefined}
          />
          <ErrorLine message={removeError} />
          <SessionActions model={model} runtime={runtime} variant="row" />
        </section>
      </SectionBoundary>
      {notice && (
        <p class="status" role="status">
          {activityNoticeText(notice, nameOf, false)}
        </p>
      )}
      {runtime.refusals.value.map((refusal) => (
        <p key={refusal.at} class="status" role="alert">
          {t('customerRefused', { name: refusal.name })}
        </p>
      ))}
      <RelayAlert state={runtime.relay.value} audience="rep" />
      {runtime.flooding.value.map((participantId) => (
        <p key={participantId} class="status" role="alert">
          {t('floodWarning', { name: nameOf(participantId) })}
        </p>
      ))}
      {others.length === 0 && (
        <p class="muted" role="status">
          {t('waitingForCustomer')}
        </p>
      )}
      <SectionBoundary name={t('screens')}>
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
        {customers.length > 0 && screens.length === 0 && runtime.camera.remote.value.size === 0 && (
          <p class="muted">{t('noScreen')}</p>
        )}
        <RepMedia runtime={runtime} onOpenScreenInTab={onOpenScreenInTab} />
      </SectionBoundary>
      <SectionBoundary name={t('chat')}>
        <RepChat runtime={runtime} />
      </SectionBoundary>
      {removing && (
        <ConfirmDialog
          title={t('removeConfirm', { name: removing.name })}
          detail={t(removing.role === 'customer' ? 'removeConfirmCustomerDetail' : 'removeConfirmRepDetail', {
            name: removing.name,
          })}
          confirmLabel={t('remove')}
          onCancel={() => setRemoving(undefined)}
          onConfirm={() => void remove(removing)}
        />
      )}
    </div>
  );
}
