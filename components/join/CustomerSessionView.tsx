import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import { groupSessionNumber } from '../../core/protocol';
import type { SessionRuntime } from '../../core/session/runtime';
import { activityNoticeText } from '../activity-notice';
import { ChatPanel } from '../ChatPanel';
import { ConfirmDialog } from '../ConfirmDialog';
import { RelayAlert } from '../RelayAlert';
import { ScreenView } from '../ScreenView';
import { SectionBoundary } from '../SectionBoundary';
import { SessionEndedNotice } from './SessionEndedNotice';
import { SessionOverNotice } from './SessionOverNotice';
import { CustomerMedia, RepScreenStage } from '../media/CustomerMedia';
import { transferTargetText } from '../timeline-text';
import { FileDropZone, FileTransfers, SendFileButton } from '../files/FileTransfers';

interface Props {
  runtime: SessionRuntime;
  onLeave(): void;
  /** After being dropped for being offline too long: join again with the same link. */
  onRejoin(): void;
  /** ORG_NAME, when the broker has one. */
  orgName?: string;
}

/**
 * The customer's session, one phone screen high: who helps them and the session number at the top,
 * sharing and shared screens, and the chat taking the rest with its box pinned at the bottom (the
 * cursor is in it right after Join). Leaving asks first: a stray key must not take anyone out.
 */
export function CustomerSessionView({ runtime, onLeave, onRejoin, orgName }: Props) {
  const [shareMessage, setShareMessage] = useState<string>();
  const [confirmingLeave, setConfirmingLeave] = useState(false);
  const status = runtime.status.value;
  const rep = runtime.controller.value;
  const repName = rep?.name ?? '';
  const sharing = runtime.share.local.value !== null;
  const canShare = runtime.canShare.value;
  const screens = [...runtime.share.remote.value];
  const others = runtime.otherCustomers.value;
  const notice = runtime.notice.value;
  const { nameOf } = runtime;
  const transfer = runtime.transfer.value;
  const [keptWaiting, setKeptWaiting] = useState(false);

  if (status === 'ended') return <SessionEndedNotice runtime={runtime} />;
  if (status === 'left' || status === 'removed' || status === 'timeout') {
    return <SessionOverNotice reason={status} onRejoin={onRejoin} />;
  }

  const share = async () => {
    setShareMessage(undefined);
    const result = await runtime.share.start();
    if (result.ok) return;
    if ('notAllowed' in result) setShareMessage(t('shareNotYourTurn', { name: repName }));
    else setShareMessage(result.cancelled ? t('shareCancelled') : t('shareFailed', { reason: result.reason }));
  };

  return (
    <FileDropZone files={runtime.files} class="customer-view">
      <header class="session-header">
        <div class="session-title">
          <h1>
            {transfer
              ? t('customerTransferHeader', { target: transferTargetText(transfer.target, true) })
              : !rep
                ? (orgName ?? t('appName'))
                : runtime.controllerAway.value
                  ? t('waitingForRep', { name: repName })
                  : t('connectedWith', { name: repName })}
          </h1>
          <div class="session-meta">
            {orgName && rep && <span>{orgName}</span>}
            <span>
              {t('sessionNumber')}:{' '}
              <span class="number-inline" data-testid="session-number">
                {groupSessionNumber(runtime.session.value.number)}
              </span>
            </span>
          </div>
        </div>
        <button type="button" class="small" onClick={() => setConfirmingLeave(true)}>
          {t('leave')}
        </button>
      </header>
      {status !== 'live' && (
        <p class="status" role="status">
          {t('reconnecting')}
        </p>
      )}
      <RelayAlert state={runtime.relay.value} audience="customer" />
      {transfer && (
        <section class="card stack" aria-label={t('transferSession')}>
          <p role="status">
            {t('customerTransferring', { target: transferTargetText(transfer.target, true) })}
            {transfer.position !== null && <> {t('customerTransferPosition', { position: transfer.position })}</>}
          </p>
          {transfer.waitingLong && !keptWaiting && (
            <>
              <p role="alert">{t('customerTransferWaitingLong')}</p>
              <div class="row">
                <button type="button" class="primary" onClick={() => setKeptWaiting(true)}>
                  {t('keepWaiting')}
                </button>
                <button type="button" onClick={onLeave}>
                  {t('leave')}
                </button>
              </div>
            </>
          )}
        </section>
      )}
      {runtime.controllerAway.value && (
        <p class="status" role="status">
          {t('repDisconnected', { name: repName })}
        </p>
      )}
      {others.length > 0 && (
        <p class="status" role="note">
          {t('otherCustomersHere', { names: others.map((p) => p.name).join(', ') })}
        </p>
      )}
      <RepScreenStage runtime={runtime} />
      {/* A phone cannot capture its screen: it shows its camera instead (CustomerMedia). */}
      {runtime.canCaptureScreen && (
        <section class="share-bar" aria-label={t('shareScreen')}>
          {sharing ? (
            <button type="button" class="danger" onClick={() => runtime.share.stopMine()}>
              {t('stopSharing')}
            </button>
          ) : (
            <button type="button" class="primary" disabled={!canShare} onClick={() => void share()}>
              {t('shareScreen')}
            </button>
          )}
          <span role="status" class="muted">
            {sharing
              ? t(others.length > 0 ? 'sharingNowWithEveryone' : 'sharingNow', { name: repName })
              : !canShare
                ? t('shareNotYourTurn', { name: repName })
                : (shareMessage ?? '')}
          </span>
        </section>
      )}
      <CustomerMedia runtime={runtime} />
      {rep && (
        <SectionBoundary name={t('files')}>
          <SendFileButton files={runtime.files} nameOf={nameOf} label={t('sendFileToRep', { name: repName })} />
          <FileTransfers files={runtime.files} nameOf={nameOf} />
        </SectionBoundary>
      )}
      {notice && (
        <p class="status" role="status">
          {activityNoticeText(notice, nameOf, true)}
        </p>
      )}
      <SectionBoundary name={t('screens')}>
        {screens.map(([participantId, stream]) => (
          <ScreenView key={participantId} title={t('customerScreen', { name: nameOf(participantId) })} stream={stream} />
        ))}
      </SectionBoundary>
      <SectionBoundary name={t('chat')}>
        <ChatPanel
          log={runtime.chat.log}
          onSend={(text) => runtime.chat.send(text, runtime.self.participantId)}
          onRetry={(key) => runtime.chat.retry(key)}
          nameOf={nameOf}
          timeline={runtime.timeline.value}
          autoFocus
          timelineForCustomer
        />
      </SectionBoundary>
      {confirmingLeave && (
        <ConfirmDialog
          title={t('leaveConfirm')}
          detail={t('leaveConfirmDetail', { name: repName || t('roleController') })}
          confirmLabel={t('leave')}
          onCancel={() => setConfirmingLeave(false)}
          onConfirm={() => {
            setConfirmingLeave(false);
            onLeave();
          }}
        />
      )}
    </FileDropZone>
  );
}
