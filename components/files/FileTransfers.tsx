import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { t } from '../../core/i18n';
import type { Files } from '../../core/files/files-activity';
import type { TransferView } from '../../core/files/transfer';
import { formatBytes, formatSeconds } from '../format';
import { saveFile } from '../save-file';

interface SendProps {
  files: Files;
  nameOf(participantId: string): string;
  /** Customers: "Send a file to <rep>" instead of a recipient choice. */
  label?: string;
}

/** What the sender is told about files it could not send (over the limit, nobody to send to). */
function sendNotes(results: Awaited<ReturnType<Files['send']>>, limit: number): string[] {
  return results.flatMap((r) =>
    r.ok
      ? []
      : [t(r.reason === 'too-large' ? 'fileTooLargeToSend' : 'fileNoRecipient', { file: r.name, limit: formatBytes(limit) })],
  );
}

/** Send file: a picker for several files, and for a rep with several people here, whom to send to. */
export function SendFileButton({ files, nameOf, label }: SendProps) {
  const input = useRef<HTMLInputElement>(null);
  const [to, setTo] = useState('all');
  const [notes, setNotes] = useState<string[]>([]);
  const targets = files.targets.value;
  const recipient = targets.length === 1 ? targets[0]! : targets.includes(to) ? to : 'all';

  const send = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    setNotes(sendNotes(await files.send([...list], recipient), files.maxFileBytes));
    if (input.current) input.current.value = '';
  };

  return (
    <div class="stack tight">
      <div class="row">
        <button type="button" disabled={targets.length === 0} onClick={() => input.current?.click()}>
          {label ?? t('sendFile')}
        </button>
        {targets.length > 1 && (
          <select aria-label={t('sendFileTo')} value={recipient} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
            <option value="all">{t('everyone')}</option>
            {targets.map((id) => (
              <option key={id} value={id}>
                {nameOf(id)}
              </option>
            ))}
          </select>
        )}
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="send-file-input"
          onChange={(e) => void send((e.target as HTMLInputElement).files)}
        />
      </div>
      {notes.map((note) => (
        <p key={note} class="error" role="alert">
          {note}
        </p>
      ))}
    </div>
  );
}

/** Files dropped anywhere on the session view go to the recipient the Send file control would use. */
export function FileDropZone({
  files,
  children,
  class: className,
}: {
  files: Files;
  children: ComponentChildren;
  class?: string;
}) {
  const [over, setOver] = useState(false);
  const [notes, setNotes] = useState<string[]>([]);
  const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
  return (
    <div
      class={`${className ?? ''} drop-zone${over ? ' drop-over' : ''}`}
      onDragOver={(e) => {
        if (!hasFiles(e) || files.targets.value.length === 0) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        setOver(false);
        if (!hasFiles(e)) return;
        e.preventDefault();
        const list = [...(e.dataTransfer?.files ?? [])];
        const targets = files.targets.value;
        void files.send(list, targets.length === 1 ? targets[0]! : 'all').then((r) => setNotes(sendNotes(r, files.maxFileBytes)));
      }}
    >
      {over && (
        <p class="drop-hint" role="status">
          {t('dropFiles')}
        </p>
      )}
      {notes.map((note) => (
        <p key={note} class="error" role="alert">
          {note}
        </p>
      ))}
      {children}
    </div>
  );
}

function failureText(view: TransferView, who: string, limit: number): string {
  switch (view.failure) {
    case 'peer-cancelled':
      return t('fileFailPeerCancelled', { name: who });
    case 'declined':
      return view.direction === 'send' ? t('fileFailDeclined', { name: who }) : t('fileFailYouDeclined');
    case 'too-large':
      return t('fileFailTooLarge', { limit: formatBytes(limit) });
    case 'stopped':
      return t(view.direction === 'send' ? 'fileFailStopped' : 'fileFailStoppedIncoming');
    case 'damaged':
      return t('fileFailDamaged');
    case 'protocol':
      return t('fileFailProtocol');
    case 'hash':
      return t('fileFailHash');
    case 'disk':
      return t('fileFailDisk');
    case 'read':
      return t('fileFailRead');
    default:
      return t('fileFailCancelled');
  }
}

function statusText(view: TransferView, who: string, limit: number): string {
  switch (view.state) {
    case 'needs-file':
      return t('fileChooseAgain', { file: view.name });
    case 'offered':
      return t('fileWaitingAnswer', { name: who });
    case 'queued':
      return t('fileQueued');
    case 'paused':
      return t('filePaused');
    case 'verifying':
      return t('fileVerifying');
    case 'done':
      return t(view.direction === 'send' ? 'fileSent' : 'fileReceived');
    case 'failed':
      return failureText(view, who, limit);
    case 'active': {
      const parts = [];
      if (view.rate > 0) {
        parts.push(t('fileSpeed', { speed: formatBytes(view.rate) }));
        parts.push(t('fileLeft', { time: formatSeconds((view.size - view.bytes) / view.rate) }));
      }
      if (view.resumedFrom > 0) parts.push(t('fileResumed', { size: formatBytes(view.resumedFrom) }));
      return parts.join(' · ');
    }
    default:
      return '';
  }
}

function TransferItem({ files, view, who }: { files: Files; view: TransferView; who: string }) {
  const percent = view.size === 0 ? (view.state === 'done' ? 100 : 0) : Math.floor((view.bytes / view.size) * 100);
  const file = view.name;
  const [saveError, setSaveError] = useState<string>();
  const save = async () => {
    try {
      setSaveError(undefined);
      const got = await files.file(view.key);
      saveFile(view.name, got);
    } catch (error) {
      setSaveError(error instanceof Error ? error.message : String(error));
    }
  };
  const picker = useRef<HTMLInputElement>(null);
  const row = useRef<HTMLLIElement>(null);
  // A new question is brought into view: the places region may be scrolled down to the tools.
  const asking = view.state === 'incoming';
  useEffect(() => {
    if (asking) row.current?.scrollIntoView?.({ block: 'nearest' });
  }, [asking]);
  const repick = async (list: FileList | null) => {
    const picked = list?.[0];
    if (!picked) return;
    setSaveError((await files.repick(view.key, picked)) ? undefined : t('fileNotTheSame', { file }));
    if (picker.current) picker.current.value = '';
  };
  const moving =
    view.state === 'needs-file' ||
    view.state === 'active' ||
    view.state === 'queued' ||
    view.state === 'paused' ||
    view.state === 'verifying';
  return (
    <li
      ref={row}
      class={`transfer transfer-${view.state}`}
      data-transfer={view.key}
      data-state={view.state}
      data-bytes={view.bytes}
      data-wire={view.wireBytes}
      data-resumed={view.resumedFrom}
    >
      <div class="transfer-head">
        <span class="transfer-name" title={view.name}>
          {view.name}
        </span>
        <span class="muted">{formatBytes(view.size)}</span>
      </div>
      <div class="muted transfer-who">
        {t(view.direction === 'send' ? 'fileTo' : 'fileFrom', { name: who })}
        {view.mime && ` · ${view.mime}`}
      </div>
      {view.state === 'incoming' ? (
        <p class="transfer-question">{t('fileOfferTitle', { name: who })}</p>
      ) : (
        // A bar once bytes may move (not while waiting for an answer or for the file).
        view.state !== 'failed' &&
        view.state !== 'needs-file' &&
        view.state !== 'offered' && (
          <div class="transfer-progress">
            <div
              class="bar"
              role="progressbar"
              aria-label={t('fileProgressLabel', { file, percent })}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
            >
              <div class="bar-fill" style={{ width: `${percent}%` }} />
            </div>
            <span class="transfer-percent">{percent}%</span>
          </div>
        )
      )}
      <p
        class={view.state === 'failed' ? 'error transfer-status' : 'muted transfer-status'}
        role="status"
        title={view.state === 'failed' ? view.detail : undefined}
      >
        {statusText(view, who, files.maxFileBytes)}
      </p>
      {saveError && (
        <p class="error" role="alert">
          {saveError}
        </p>
      )}
      <div class="row">
        {view.state === 'incoming' && (
          <>
            <button
              type="button"
              class="primary small"
              aria-label={t('fileAcceptFor', { file })}
              onClick={() => void files.accept(view.key)}
            >
              {t('fileAccept')}
            </button>
            <button
              type="button"
              class="small"
              aria-label={t('fileDeclineFor', { file })}
              onClick={() => void files.decline(view.key)}
            >
              {t('decline')}
            </button>
          </>
        )}
        {view.state === 'needs-file' && (
          <>
            <button type="button" class="primary small" onClick={() => picker.current?.click()}>
              {t('fileChoose', { file })}
            </button>
            <input ref={picker} type="file" hidden onChange={(e) => void repick((e.target as HTMLInputElement).files)} />
          </>
        )}
        {(moving || view.state === 'offered') && (
          <button
            type="button"
            class="small"
            aria-label={t('fileCancelFor', { file })}
            onClick={() => void files.cancel(view.key)}
          >
            {t('cancel')}
          </button>
        )}
        {view.state === 'done' && view.direction === 'receive' && (
          <button type="button" class="primary small" aria-label={t('fileSaveFor', { file })} onClick={() => void save()}>
            {t('save')}
          </button>
        )}
        {(view.state === 'done' || view.state === 'failed') && (
          <button
            type="button"
            class="small"
            aria-label={t('fileDismissFor', { file })}
            onClick={() => void files.dismiss(view.key)}
          >
            {t('fileDismiss')}
          </button>
        )}
      </div>
    </li>
  );
}

const rank = (view: TransferView) => (view.state === 'incoming' ? 0 : view.state === 'done' || view.state === 'failed' ? 2 : 1);

/** Every transfer of this session, newest last; nothing at all when there are none. */
export function FileTransfers({ files, nameOf }: { files: Files; nameOf(participantId: string): string }) {
  // Questions first, then what is under way, then what is over; newest first in each.
  const transfers = files.transfers.value
    .map((view, index) => ({ view, index }))
    .sort((a, b) => rank(a.view) - rank(b.view) || b.index - a.index)
    .map(({ view }) => view);
  if (transfers.length === 0) return null;
  return (
    <section class="card stack file-transfers" aria-label={t('files')}>
      <h3>{t('files')}</h3>
      <ul class="transfers">
        {transfers.map((view) => (
          <TransferItem key={view.key} files={files} view={view} who={nameOf(view.peer)} />
        ))}
      </ul>
    </section>
  );
}
