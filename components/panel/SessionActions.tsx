import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { RepModel } from '../../core/session/rep-model';
import type { SessionRuntime } from '../../core/session/runtime';
import { ConfirmDialog } from '../ConfirmDialog';
import { MenuButton } from '../MenuButton';
import { PassControlDialog } from './PassControlDialog';
import { TransferDialog } from '../acd/TransferDialog';

interface Props {
  model: RepModel;
  runtime: SessionRuntime;
  /** 'row': buttons under the participants; 'menu': one "Session actions" menu (a session tab's). */
  variant: 'row' | 'menu';
  /** The menu's accessible name, e.g. "Session actions: Casey". */
  menuLabel?: string;
}

/**
 * What a rep can do with the session as a whole: the controller passes control (Transfer session ▾) or
 * ends it; everyone else leaves. Read from the session's state, so it changes the moment control does.
 */
export function SessionActions({ model, runtime, variant, menuLabel }: Props) {
  const [dialog, setDialog] = useState<'pass' | 'transfer' | 'end'>();
  const acd = model.acd.value;
  const { isController, mayLeave } = runtime.permissions.value;
  const sessionId = runtime.sessionId;
  const pass = () => setDialog('pass');
  // WebACD agents only: hand the session to a queue or to agents.
  const transferItems = acd && isController ? [{ label: t('transferToAcd'), onSelect: () => setDialog('transfer') }] : [];
  const end = () => setDialog('end');
  const leave = () => void model.leaveSession(sessionId);
  const customers = runtime.present.value.filter((p) => p.role === 'customer');
  // Said for the people actually there: nobody yet, one customer by name, or how many.
  const endDetail =
    customers.length === 0
      ? t('endSessionConfirmDetailNobody')
      : customers.length === 1
        ? t('endSessionConfirmDetailOne', { name: customers[0]!.name })
        : t('endSessionConfirmDetailMany', { count: customers.length });

  const controls =
    variant === 'menu' ? (
      <MenuButton
        label={menuLabel ?? t('sessionPlace')}
        class="tab-menu"
        face={<span aria-hidden="true">⋯</span>}
        items={[
          ...(isController
            ? [{ label: t('passControl'), onSelect: pass }, ...transferItems, { label: t('endSession'), onSelect: end }]
            : []),
          ...(mayLeave ? [{ label: t('leaveSession'), onSelect: leave }] : []),
        ]}
      />
    ) : (
      <div class="row">
        {isController && (
          <MenuButton label={t('transferSession')} items={[{ label: t('passControl'), onSelect: pass }, ...transferItems]} />
        )}
        {isController && (
          <button type="button" class="danger" onClick={end}>
            {t('endSession')}
          </button>
        )}
        {mayLeave && (
          <button type="button" onClick={leave}>
            {t('leaveSession')}
          </button>
        )}
      </div>
    );

  return (
    <>
      {controls}
      {dialog === 'pass' && <PassControlDialog runtime={runtime} onClose={() => setDialog(undefined)} />}
      {dialog === 'transfer' && acd && (
        <TransferDialog
          sessionNumber={runtime.session.value.number}
          loadTargets={acd.targets}
          selfRepId={model.auth.value?.rep.id ?? ''}
          onTransfer={(request) => model.transferSession(sessionId, request)}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === 'end' && (
        <ConfirmDialog
          title={t('endSessionConfirm')}
          detail={endDetail}
          confirmLabel={t('endSession')}
          onCancel={() => setDialog(undefined)}
          onConfirm={() => {
            setDialog(undefined);
            void model.endSession(sessionId);
          }}
        />
      )}
    </>
  );
}
