import { useEffect, useRef } from 'preact/hooks';
import { t } from '../core/i18n';

interface Props {
  title: string;
  detail: string;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

/** A modal question (native <dialog>: focus is trapped and Escape cancels). */
export function ConfirmDialog({ title, detail, confirmLabel, onConfirm, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} aria-label={title} onCancel={onCancel}>
      <div class="stack">
        <h2>{title}</h2>
        <p class="muted">{detail}</p>
        <div class="row">
          <button type="button" class="danger" onClick={onConfirm}>
            {confirmLabel}
          </button>
          <button type="button" autofocus onClick={onCancel}>
            {t('cancel')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
