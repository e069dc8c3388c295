import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import { ErrorLine } from '../Field';
import { groupSessionNumber, type AgentState, type TransferOffer } from '../../core/protocol';
import type { AcdModel, ClosedOffer } from '../../core/session/acd-model';
import { formatTime } from '../format';
import { transferTargetText } from '../timeline-text';

interface Props {
  acd: AcdModel;
  onAccept(transferId: string): void;
  onDecline(transferId: string): void;
  onCancelTransfer(transferId: string): void;
}

/**
 * WebACD in the panel, above the session: the agent's own state (Available / Away, and Busy at their
 * maximum), the sessions offered to them with Accept / Decline, their transfers still waiting (with
 * Cancel), and offers that went away ("taken by Bob").
 */
export function AcdPanel({ acd, onAccept, onDecline, onCancelTransfer }: Props) {
  const [error, setError] = useState<string>();
  const status = acd.status.value;
  const offers = acd.offers.value;
  // A transfer offered back to me is told by its take-back card, not also as "waiting".
  const sent = acd.sent.value.filter((s) => !offers.some((o) => o.takeBack && o.id === s.id));
  const closed = acd.closedOffers.value;
  const setState = (state: AgentState) => {
    setError(undefined);
    acd.setState(state).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };

  return (
    <div class="acd stack">
      {status !== null && (
        <div class="agent-state" role="radiogroup" aria-labelledby="agent-state-label" aria-describedby="agent-state-hint">
          <span id="agent-state-label" class="muted">
            {t('agentState')}
          </span>
          {(['available', 'away'] as const).map((state) => (
            <label key={state} class="choice">
              <input
                type="radio"
                name="agent-state"
                checked={state === 'away' ? status === 'away' : status !== 'away'}
                onChange={() => setState(state)}
              />
              {t(state === 'available' ? 'agentAvailable' : 'agentAway')}
            </label>
          ))}
          {status === 'busy' && <span class="badge">{t('agentBusy')}</span>}
          <span id="agent-state-hint" class="muted">
            {status === 'busy' ? t('agentBusyHint') : status === 'away' ? t('agentAwayHint') : ''}
          </span>
        </div>
      )}
      <ErrorLine message={error} />
      {offers.length > 0 && (
        <section class="stack" aria-label={t('offers')}>
          {offers.map((offer) => (
            <OfferCard key={offer.id} offer={offer} onAccept={onAccept} onDecline={onDecline} />
          ))}
        </section>
      )}
      {sent.length > 0 && (
        <section class="stack" aria-label={t('sentTransfers')}>
          {sent.map((s) => (
            <div key={s.id} class="card row">
              <p role="status" style={{ flex: 1, margin: 0 }}>
                {t('sentTransfer', {
                  number: groupSessionNumber(s.sessionNumber),
                  customers: s.customers.join(', '),
                  target: transferTargetText(s.target, false),
                })}
              </p>
              <button
                type="button"
                aria-label={t('cancelTransferFor', { number: groupSessionNumber(s.sessionNumber) })}
                onClick={() => onCancelTransfer(s.id)}
              >
                {t('cancelTransfer')}
              </button>
            </div>
          ))}
        </section>
      )}
      {closed.map((c) => (
        <div key={c.transferId} class="row status" role="status">
          <span style={{ flex: 1 }}>{closedText(c)}</span>
          <button type="button" onClick={() => acd.dismissClosed(c.transferId)}>
            {t('dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}

function OfferCard({ offer, onAccept, onDecline }: { offer: TransferOffer } & Pick<Props, 'onAccept' | 'onDecline'>) {
  const number = groupSessionNumber(offer.sessionNumber);
  const title = offer.takeBack ? t('offerTakeBackTitle', { number }) : t('offerTitle', { number, from: offer.from });
  return (
    <article class="card stack offer" aria-label={title}>
      <h2>{title}</h2>
      <p class="muted">
        {t('offerCustomers', { names: offer.customers.join(', ') })}
        {offer.queue !== null && <> · {t('offerQueue', { queue: offer.queue })}</>} ·{' '}
        {t('offerSentAt', { time: formatTime(offer.offeredAt) })}
        {offer.expiresAt !== null && <> · {t('offerExpiresAt', { time: formatTime(offer.expiresAt) })}</>}
      </p>
      {/* The personal message, as text (never HTML). */}
      {offer.message && <blockquote class="message">{offer.message}</blockquote>}
      <div class="row">
        <button
          type="button"
          class="primary"
          aria-label={offer.takeBack ? t('takeBack') : t('acceptOfferFor', { number })}
          onClick={() => onAccept(offer.id)}
        >
          {offer.takeBack ? t('takeBack') : t('acceptOffer')}
        </button>
        {!offer.takeBack && (
          <button type="button" aria-label={t('declineOfferFor', { number })} onClick={() => onDecline(offer.id)}>
            {t('declineOffer')}
          </button>
        )}
      </div>
    </article>
  );
}

function closedText(c: ClosedOffer): string {
  const number = groupSessionNumber(c.sessionNumber);
  if (c.reason === 'taken' && c.by) return t('offerTakenBy', { number, name: c.by });
  if (c.reason === 'expired') return t('offerExpired', { number });
  return t('offerCancelled', { number });
}
