import { t } from '../core/i18n';
import { Modal } from './Modal';

interface Props {
  title: string;
  detail: string;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

/** A yes-or-no question about something that can't be undone. */
export function ConfirmDialog({ title, detail, confirmLabel, onConfirm, onCancel }: Props) {
  return (
    <Modal title={title} onClose={onCancel}>
      <p class="muted">{detail}</p>
      <div class="row">
        <button type="button" class="danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" autofocus onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </Modal>
  );
}
