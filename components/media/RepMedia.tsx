import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { ScreenView } from '../ScreenView';
import { CameraTiles } from './CameraTiles';

interface Props {
  runtime: SessionRuntime;
  onOpenScreenInTab?(participantId: string, title: string): void;
}

/** In the rep's panel: colleagues' screens and everyone's cameras. */
export function RepMedia({ runtime }: Props) {
  return (
    <>
      {[...runtime.repShare.remote.value].map(([participantId, stream]) => (
        <ScreenView key={participantId} title={t('customerScreen', { name: runtime.nameOf(participantId) })} stream={stream} />
      ))}
      <CameraTiles runtime={runtime} />
    </>
  );
}
