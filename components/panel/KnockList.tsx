import { t } from '../../core/i18n';
import type { Knock } from '../../core/protocol';

interface Props {
  knocks: readonly Knock[];
  onAdmit(waitId: string): void;
  onDecline(waitId: string): void;
}

/** Customers who typed the session number on the support site and wait to be let in. */
export function KnockList({ knocks, onAdmit, onDecline }: Props) {
  if (knocks.length === 0) return null;
  return (
    <div class="stack">
      {knocks.map((knock) => {
        const title = t('knockTitle', { name: knock.name });
        return (
          <section key={knock.waitId} class="card knock row" role="alert" aria-label={title}>
            <strong style={{ flex: 1 }}>{title}</strong>
            <button type="button" class="primary" onClick={() => onAdmit(knock.waitId)}>
              {t('admit')}
            </button>
            <button type="button" onClick={() => onDecline(knock.waitId)}>
              {t('decline')}
            </button>
          </section>
        );
      })}
    </div>
  );
}
