import { useState } from 'preact/hooks';
import { errorText } from '../../core/broker/error-text';
import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { ErrorLine } from '../Field';
import { Modal } from '../Modal';
import { stateText } from '../ParticipantList';

interface Props {
  runtime: SessionRuntime;
  onClose(): void;
}

/**
 * Pass control: the assistants in the session now, each with their connection; picking one hands control
 * over at once. With nobody to pass to, it says how to get a colleague in.
 */
export function PassControlDialog({ runtime, onClose }: Props) {
  const [error, setError] = useState<string>();
  const [passing, setPassing] = useState(false);
  const targets = runtime.permissions.value.passTargets;
  const states = runtime.linkStates.value;

  const pass = async (participantId: string) => {
    setPassing(true);
    setError(undefined);
    try {
      await runtime.passControl(participantId);
      onClose();
    } catch (e) {
      setError(errorText(e, { audience: 'rep' }));
      setPassing(false);
    }
  };

  return (
    <Modal title={t('passControlTitle')} onClose={onClose}>
      {targets.length === 0 ? (
        <p role="status">{t('passControlNone')}</p>
      ) : (
        <>
          <p class="muted">{t('passControlDetail')}</p>
          <ul class="pass-targets">
            {targets.map((p) => {
              const state = states.get(p.id) ?? 'offline';
              return (
                <li key={p.id}>
                  <button
                    type="button"
                    class="primary"
                    disabled={passing}
                    aria-label={t('passControlTo', { name: p.name })}
                    onClick={() => void pass(p.id)}
                  >
                    <span class={`dot ${state}`} aria-hidden="true" />
                    {t('passControlTo', { name: p.name })}
                  </button>
                  <span class="muted">{t(stateText(state, p))}</span>
                </li>
              );
            })}
          </ul>
        </>
      )}
      <ErrorLine message={error} />
      <div class="row">
        <button type="button" autofocus onClick={onClose}>
          {t('cancel')}
        </button>
      </div>
    </Modal>
  );
}
