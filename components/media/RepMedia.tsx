import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { ScreenView } from '../ScreenView';
import { CameraTiles } from './CameraTiles';
import { pictureKey } from '../../core/extension/screen-handoff';

interface Props {
  runtime: SessionRuntime;
  /** Opens a picture (by `pictureKey`) in the viewer tab. */
  onOpenScreenInTab?(key: string, title: string): void;
}

/** In the rep's panel: colleagues' screens and everyone's cameras, each of which may open in a tab. */
export function RepMedia({ runtime, onOpenScreenInTab }: Props) {
  return (
    <>
      {[...runtime.repShare.remote.value].map(([participantId, stream]) => {
        const title = t('customerScreen', { name: runtime.nameOf(participantId) });
        const open = onOpenScreenInTab && (() => onOpenScreenInTab(pictureKey('rep-screen', participantId), title));
        return <ScreenView key={participantId} title={title} stream={stream} onOpenInTab={open} />;
      })}
      <CameraTiles
        runtime={runtime}
        onOpenInTab={onOpenScreenInTab && ((id, title) => onOpenScreenInTab(pictureKey('camera', id), title))}
      />
    </>
  );
}
