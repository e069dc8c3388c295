// Installs Preact's signal tracking: components re-render when the core signals they read change.
import '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import { groupSessionNumber } from '../../core/protocol';
import type { RepModel } from '../../core/session/rep-model';
import { ConfirmDialog } from '../ConfirmDialog';
import { Checkbox, ErrorLine } from '../Field';
import { openMailto } from '../invite/open-mailto';
import { saveTextFile } from '../save-file';
import { Loading } from '../Loading';
import { SignInForm } from '../SignInForm';
import type { KnockNotifier } from '../../core/extension/knock-notifications';
import { AcdPanel } from '../acd/AcdPanel';
import { RecordingsList } from './RecordingsList';
import { RepSessionView } from './RepSessionView';
import { SessionTabBar } from './SessionTabBar';
import { useKnockNotifications } from './useKnockNotifications';

/** The rep's dashboard: sign-in when signed out, Start session when idle, the session when in one. */
interface Props {
  model: RepModel;
  defaultBrokerUrl: string;
  onOpenScreenInTab(participantId: string, title: string): void;
  /** Desktop notifications for knocks while the panel is not focused. */
  knockNotifier?: KnockNotifier;
}

export function SidePanelApp({ model, defaultBrokerUrl, onOpenScreenInTab, knockNotifier }: Props) {
  useEffect(() => void model.load(), [model]);
  useAccountRefresh(model);
  const phase = model.phase.value;
  const auth = model.auth.value;
  const runtime = model.runtime.value;
  const error = model.error.value;
  const sessions = model.sessions.value;
  const multi = auth?.rep.mode === 'multi';
  const acd = model.acd.value;
  useKnockNotifications(sessions, knockNotifier);
  const start = () => void model.startSession();
  const [confirmingSignOut, setConfirmingSignOut] = useState(false);
  const live = model.liveSessions.value;
  // With sessions going on, signing out first asks: they end (or are left) for everyone.
  const signOut = () => (live.length > 0 ? setConfirmingSignOut(true) : void model.signOut());

  const inSession = phase === 'in-session';
  const signedInAs = auth && t('signedInAs', { name: auth.rep.name, email: auth.rep.email });

  return (
    <main class={inSession ? 'console' : 'page stack'}>
      {phase === 'loading' && <Loading />}
      {phase === 'signed-out' && <SignInForm initialBrokerUrl={defaultBrokerUrl} error={error} onSignIn={model.signIn} />}
      {auth && phase !== 'signed-out' && phase !== 'loading' && (
        <header class="account-bar">
          <span class="muted ellipsis" title={signedInAs}>
            {signedInAs}
          </span>
          <button type="button" class="small" onClick={signOut}>
            {t('signOut')}
          </button>
        </header>
      )}
      {acd && phase !== 'signed-out' && (
        <AcdPanel
          acd={acd}
          onAccept={(id) => void model.acceptOffer(id)}
          onDecline={(id) => void model.declineOffer(id)}
          onCancelTransfer={(id) => void model.cancelTransfer(id)}
        />
      )}
      {confirmingSignOut && (
        <ConfirmDialog
          title={live.length === 1 ? t('signOutConfirmOne') : t('signOutConfirm', { count: live.length })}
          detail={t(live.some((r) => r.permissions.value.isController) ? 'signOutConfirmDetail' : 'signOutConfirmAssistDetail')}
          confirmLabel={t('signOutEndSessions')}
          onCancel={() => setConfirmingSignOut(false)}
          onConfirm={() => {
            setConfirmingSignOut(false);
            void model.signOut();
          }}
        />
      )}
      {(phase === 'idle' || phase === 'starting') && (
        <section class="stack">
          <h1>{t('appName')}</h1>
          <p class="muted">{t('noSessionYet')}</p>
          <div class="row">
            <button type="button" class="primary" disabled={phase === 'starting'} onClick={start}>
              {phase === 'starting' ? t('starting') : t('startSession')}
            </button>
            <Checkbox label={t('emailOnStart')} checked={model.emailOnStart.value} onChecked={model.setEmailOnStart} />
          </div>
          {model.recordings && <RecordingsList model={model.recordings} open />}
        </section>
      )}
      {inSession && (
        <SessionTabBar
          sessions={multi || sessions.length > 1 ? sessions : []}
          selectedId={runtime?.sessionId}
          unread={model.unread.value}
          onSelect={(id) => void model.select(id)}
          onNewSession={model.mayStartAnother.value ? start : undefined}
        />
      )}
      {model.assisting.value && (
        <p class="status joining" role="status">
          {model.assisting.value.number
            ? t('assistJoiningNumber', { number: groupSessionNumber(model.assisting.value.number) })
            : t('assistJoining')}
        </p>
      )}
      {/* Errors show here, by the controls that cause them (start, New session), not under the chat. */}
      {phase !== 'signed-out' && <ErrorLine message={error} />}
      {model.liveElsewhere.value && (
        <div>
          <button type="button" class="primary" onClick={() => void model.backToLive()}>
            {t('backToLiveSession')}
          </button>
        </div>
      )}
      {inSession && runtime && (
        <RepSessionView
          key={runtime.sessionId}
          model={model}
          runtime={runtime}
          onOpenScreenInTab={onOpenScreenInTab}
          openMailto={openMailto}
          saveFile={saveTextFile}
        />
      )}
    </main>
  );
}

/** The account is read again when the panel comes back into view and every half minute while open. */
function useAccountRefresh(model: RepModel): void {
  useEffect(() => {
    const refresh = () => void model.refreshAccount();
    const timer = setInterval(refresh, 30_000);
    window.addEventListener('focus', refresh);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, [model]);
}
