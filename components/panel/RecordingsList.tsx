import { useEffect, useState } from 'preact/hooks';
import { formatDuration } from '../../core/duration';
import { t } from '../../core/i18n';
import { groupSessionNumber } from '../../core/protocol';
import { isWriting, recordingFileName, type RecordingsModel } from '../../core/recording/recordings-model';
import { formatBytes } from '../format';
import type { RecordingMeta } from '../../core/recording/types';
import { ConfirmDialog } from '../ConfirmDialog';
import { ErrorLine } from '../Field';
import { saveFile } from '../save-file';
import { useNow } from '../useNow';

interface Props {
  model: RecordingsModel;
  /** Only this session's recordings (in a session's tools); every one otherwise. */
  sessionId?: string;
  /** Open at first (the start page); folded in a session. */
  open?: boolean;
}

/** The recordings on this computer: session, customer, start, length, size; Play, Save as WebM, Save chat, Delete. */
export function RecordingsList({ model, sessionId, open = false }: Props) {
  const all = model.list.value;
  const list = sessionId ? all.filter((r) => r.sessionId === sessionId) : all;
  const [playing, setPlaying] = useState<{ meta: RecordingMeta; url: string }>();
  const [deleting, setDeleting] = useState<RecordingMeta>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const now = useNow();
  useEffect(() => () => playing && URL.revokeObjectURL(playing.url), [playing]);

  const withVideo = async (meta: RecordingMeta, use: (video: Blob) => void) => {
    setError(undefined);
    setBusy(meta.id);
    try {
      use(await model.video(meta.id));
    } catch (e) {
      setError(t('recordingExportFailed', { reason: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(undefined);
    }
  };
  const number = (meta: RecordingMeta) => groupSessionNumber(meta.sessionNumber);

  return (
    <details class="recordings" open={open} data-testid="recordings">
      <summary>{t('recordingsOnThisComputer', { count: list.length })}</summary>
      {list.length === 0 && <p class="muted">{t('recordingsEmpty')}</p>}
      <ul class="recording-list">
        {list.map((meta) => (
          <li key={meta.id} class="recording-row">
            <div class="ellipsis">
              <strong>{t('recordingRow', { number: number(meta), customer: meta.customer || t('noCustomerNamed') })}</strong>
            </div>
            <div class="muted">
              {new Date(meta.startedAt).toLocaleString()} · {formatDuration(meta.durationMs)} · {formatBytes(meta.bytes)}
              {isWriting(meta, now)
                ? ` · ${t('recordingInProgress')}`
                : meta.state !== 'done' && ` · ${t('recordingInterrupted')}`}
            </div>
            <div class="row">
              <button
                type="button"
                class="small"
                disabled={busy === meta.id}
                onClick={() => void withVideo(meta, (video) => setPlaying({ meta, url: URL.createObjectURL(video) }))}
              >
                {busy === meta.id ? t('recordingPreparing') : t('playRecording')}
              </button>
              <button
                type="button"
                class="small"
                disabled={busy === meta.id}
                onClick={() => void withVideo(meta, (video) => saveFile(recordingFileName(meta, 'webm'), video))}
              >
                {t('saveWebm')}
              </button>
              <button
                type="button"
                class="small"
                onClick={() =>
                  saveFile(recordingFileName(meta, 'vtt'), new Blob([meta.chat], { type: 'text/vtt;charset=utf-8' }))
                }
              >
                {t('saveRecordingChat')}
              </button>
              <button type="button" class="small danger" disabled={isWriting(meta, now)} onClick={() => setDeleting(meta)}>
                {t('deleteRecording')}
              </button>
            </div>
            {playing?.meta.id === meta.id && (
              <div class="stack">
                <video
                  class="recording-player"
                  controls
                  autoplay
                  src={playing.url}
                  aria-label={t('recordingPlayerTitle', { number: number(meta) })}
                />
                <button type="button" class="small" onClick={() => setPlaying(undefined)}>
                  {t('closePlayer')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <ErrorLine message={error} />
      {deleting && (
        <ConfirmDialog
          title={t('deleteRecordingConfirm', { number: number(deleting) })}
          detail={t('deleteRecordingDetail')}
          confirmLabel={t('deleteRecording')}
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => {
            const id = deleting.id;
            setDeleting(undefined);
            if (playing?.meta.id === id) setPlaying(undefined);
            void model.remove(id);
          }}
        />
      )}
    </details>
  );
}
