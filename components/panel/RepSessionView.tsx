import { useState } from 'preact/hooks';
import { errorText } from '../../core/broker/error-text';
import { t, type MessageKey } from '../../core/i18n';
import { invitationText } from '../../core/invite/invitation-text';
import type { Participant } from '../../core/protocol';
import { distinctNames } from '../../core/session/display-names';
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
import { CustomerLink } from './CustomerLink';
import { KnockList } from './KnockList';
import { RepChat } from './RepChat';
import { SessionActions } from './SessionActions';
import { SessionHeader } from './SessionHeader';
import { SessionSummary } from './SessionSummary';
import { SessionTools } from './SessionTools';
import { RepMedia } from '../media/RepMedia';
import { VoiceControls } from '../media/VoiceControls';
import { DEVICE_PERMISSION_PAGE } from '../../core/media/device-permission';
import { FileDropZone, FileTransfers, SendFileButton } from '../files/FileTransfers';

interface Props {
  model: RepModel;
  runtime: SessionRuntime;
  onOpenScreenInTab(participantId: string, title: string): void;
  openMailto(url: string): void;
  /** Saves a text file (the chat transcript) through the browser. */
  saveFile(name: string, text: string): void;
}

const endTitle: Record<EndReason, MessageKey> = {
  ended: 'sessionEnded',
  left: 'left',
  removed: 'removedFromSessionRep',
  timeout: 'timedOutOfSession',
};

/**
 * The rep's console for one session, laid out for a 400 px side panel: a compact header, the live
 * screen at the top, then the places (who is knocking, Tools, Session with its participants) in a
 * region that scrolls on its own, and the chat filling the rest with its message box pinned at the
 * bottom. Each part is fenced off: if one fails to render, the others (End session among them) stay usable.
 */
export function RepSessionView({ model, runtime, onOpenScreenInTab, openMailto, saveFile }: Props) {
  const [removing, setRemoving] = useState<Participant>();
  const [removeError, setRemoveError] = useState<string>();
  const { isController } = runtime.permissions.value;
  const controller = runtime.controller.value;
  const notice = runtime.notice.value;
  const status = runtime.status.value;
  const session = runtime.session.value;
  const others = runtime.present.value.filter((p) => p.id !== runtime.self.participantId);
  const customers = runtime.present.value.filter((p) => p.role === 'customer');
  const names = distinctNames(runtime.participants.value);
  const screens = [...runtime.share.remote.value];
  const nameOf = (participantId: string) => names.get(participantId) ?? runtime.nameOf(participantId);
  const activeId = runtime.activeCustomerId.value;
  const subject = customers.find((p) => p.id === activeId) ?? customers[0];

  // The controller who ended it gets the summary: notes, ticket, transcript.
  if (status === 'ended' && runtime.permissions.value.role === 'controller') {
    return (
      <div class="places summary-place">
        <SessionSummary runtime={runtime} onClose={model.dismiss} saveFile={saveFile} />
      </div>
    );
  }
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
      setRemoveError(errorText(error, { audience: 'rep' }));
    }
  };

  return (
    <FileDropZone files={runtime.files} class="session-view">
      <SessionHeader model={model} runtime={runtime} customerName={subject && nameOf(subject.id)} />
      {screens.length > 0 && (
        <SectionBoundary name={t('screens')}>
          <div class="screens">
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
          </div>
        </SectionBoundary>
      )}
      <SectionBoundary name={t('video')}>
        <RepMedia runtime={runtime} onOpenScreenInTab={onOpenScreenInTab} />
      </SectionBoundary>
      <div class="places" data-testid="places">
        {!isController && (
          <p class="muted" role="note">
            {t('assistingNote')} {controller && t('controlledBy', { name: controller.name })}
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
        {customers.length > 0 && screens.length === 0 && runtime.camera.remote.value.size === 0 && (
          <p class="muted">{t('noScreen')}</p>
        )}
        <SectionBoundary name={t('files')}>
          <FileTransfers files={runtime.files} nameOf={nameOf} />
        </SectionBoundary>
        <SectionBoundary name={t('tools')}>
          <section class="card stack" aria-label={t('tools')}>
            <h3>{t('tools')}</h3>
            {isController && session.joinUrl && (
              <CustomerLink
                joinUrl={session.joinUrl}
                instructions={(url) =>
                  invitationText({ role: 'customer', url, number: session.number, siteUrl: model.capabilities.value?.siteUrl })
                }
              />
            )}
            <SessionTools model={model} runtime={runtime} openMailto={openMailto} />
            <SendFileButton files={runtime.files} nameOf={nameOf} />
            <VoiceControls runtime={runtime} permissionPage={DEVICE_PERMISSION_PAGE} />
          </section>
        </SectionBoundary>
        <SectionBoundary name={t('sessionPlace')}>
          <section class="stack" aria-label={t('sessionPlace')}>
            <ParticipantList
              participants={runtime.participants.value}
              selfId={runtime.self.participantId}
              names={names}
              linkStates={runtime.linkStates.value}
              sharing={runtime.sharing.value}
              activeCustomerId={activeId}
              onSelectCustomer={isController ? (id) => void runtime.setActiveCustomer(id).catch(() => undefined) : undefined}
              onRemove={isController ? setRemoving : undefined}
            />
            <ErrorLine message={removeError} />
            <SessionActions model={model} runtime={runtime} variant="row" />
          </section>
        </SectionBoundary>
      </div>
      <SectionBoundary name={t('chat')}>
        <RepChat runtime={runtime} nameOf={nameOf} />
      </SectionBoundary>
      {removing && (
        <ConfirmDialog
          title={t('removeConfirm', { name: nameOf(removing.id) })}
          detail={t(removing.role === 'customer' ? 'removeConfirmCustomerDetail' : 'removeConfirmRepDetail', {
            name: nameOf(removing.id),
          })}
          confirmLabel={t('remove')}
          onCancel={() => setRemoving(undefined)}
          onConfirm={() => void remove(removing)}
        />
      )}
    </FileDropZone>
  );
}
