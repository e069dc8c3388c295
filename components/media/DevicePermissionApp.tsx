import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../core/i18n';
import type { DeviceProblem } from '../../core/media/devices';

const outcome: Record<DeviceProblem | 'granted', MessageKey> = {
  granted: 'permissionsGranted',
  denied: 'permissionsDenied',
  missing: 'micMissing',
  unsupported: 'micUnsupported',
  failed: 'micFailed',
};

/** One click that lets the browser ask for the microphone and camera, for the rep's side panel to use. */
export function DevicePermissionApp({ request }: { request(): Promise<DeviceProblem | null> }) {
  const [result, setResult] = useState<DeviceProblem | 'granted'>();
  const [asking, setAsking] = useState(false);
  const ask = async () => {
    setAsking(true);
    setResult((await request()) ?? 'granted');
    setAsking(false);
  };
  return (
    <main class="page stack">
      <h1>{t('permissionsTitle')}</h1>
      <p>{t('permissionsDetail')}</p>
      <div class="row">
        <button type="button" class="primary" disabled={asking} onClick={() => void ask()}>
          {t('permissionsAllow')}
        </button>
      </div>
      {result && (
        <p role={result === 'granted' ? 'status' : 'alert'} class={result === 'granted' ? undefined : 'error'}>
          {t(outcome[result])}
        </p>
      )}
    </main>
  );
}
