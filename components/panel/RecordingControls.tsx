import { useState } from 'preact/hooks';
import { errorText } from '../../core/broker/error-text';
import { t } from '../../core/i18n';
import type { RecordingProblem } from '../../core/recording/recording';
import type { SessionRuntime } from '../../core/session/runtime';
import { ErrorLine } from '../Field';

const problemText = (problem: RecordingProblem) => {
  switch (problem.kind) {
    case 'not-confirmed':
      return t('recordingNotConfirmed', { names: problem.names.join(', ') });
    case 'storage-full':
      return t('recordingStorageFull');
    case 'unsupported':
      return t('recordingUnsupported');
    case 'failed':
      return t('recordingFailed');
  }
};

/** The controller's Record / Stop recording, and what the recorder is doing or why it did not. */
export function RecordingControls({ runtime }: { runtime: SessionRuntime }) {
  const [error, setError] = useState<string>();
  const { recording } = runtime;
  if (!runtime.permissions.value.isController || !recording.canRecord) return null;
  const status = recording.status.value;
  const problem = recording.problem.value;
  const act = (action: () => Promise<void>) => {
    setError(undefined);
    action().catch((e: unknown) => setError(errorText(e, { audience: 'rep' })));
  };
  return (
    <>
      {status === 'off' ? (
        <button type="button" onClick={() => act(recording.startRecording)}>
          {t('record')}
        </button>
      ) : (
        <button type="button" class="danger" onClick={() => act(recording.stopRecording)}>
          {t('stopRecording')}
        </button>
      )}
      {status === 'waiting' && (
        <p role="status" class="muted full-row">
          {t('recordingWaiting')}
        </p>
      )}
      {status === 'recording' && (
        <p role="status" class="muted full-row">
          {t('recordingWhat')}
        </p>
      )}
      {status === 'recording' && recording.lowStorage.value && (
        <p role="alert" class="status full-row">
          {t('recordingLowStorage')}
        </p>
      )}
      {problem && <ErrorLine message={problemText(problem)} />}
      <ErrorLine message={error} />
    </>
  );
}
