import { useState } from 'preact/hooks';
import { errorText } from '../../core/broker/error-text';
import { t } from '../../core/i18n';
import { RATING_COMMENT_MAX_CHARS } from '../../core/protocol';
import { ErrorLine } from '../Field';

const SCORES = [1, 2, 3, 4, 5] as const;

/** After the end: the customer rates the help, 1 to 5, with an optional comment (issue 17). */
export function RatingForm({ onRate }: { onRate(score: number, comment?: string): Promise<unknown> }) {
  const [score, setScore] = useState<number>();
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'idle' | 'sending' | 'sent'>('idle');
  const [error, setError] = useState<string>();

  if (state === 'sent') {
    return (
      <p role="status" class="rating-thanks">
        {t('ratingThanks')}
      </p>
    );
  }
  return (
    <form
      class="card stack rating"
      aria-labelledby="rating-title"
      onSubmit={async (ev) => {
        ev.preventDefault();
        if (score === undefined) return;
        setState('sending');
        setError(undefined);
        try {
          await onRate(score, comment.trim() || undefined);
          setState('sent');
        } catch (e) {
          setState('idle');
          setError(t('ratingFailed', { message: errorText(e, { audience: 'customer' }) }));
        }
      }}
    >
      <h2 id="rating-title">{t('ratingTitle')}</h2>
      <fieldset>
        <legend>{t('ratingScore')}</legend>
        <div class="scores">
          {SCORES.map((n) => (
            <label key={n}>
              <input type="radio" name="score" value={n} checked={score === n} onChange={() => setScore(n)} />
              <span aria-hidden="true">{n}</span>
              <span class="sr-only">{t('ratingScoreNamed', { score: n })}</span>
            </label>
          ))}
        </div>
        <p class="muted hint">{t('ratingScale')}</p>
      </fieldset>
      <div>
        <label for="rating-comment">{t('ratingComment')}</label>
        <textarea
          id="rating-comment"
          rows={3}
          maxLength={RATING_COMMENT_MAX_CHARS}
          value={comment}
          onInput={(ev) => setComment(ev.currentTarget.value)}
        />
      </div>
      <ErrorLine message={error} />
      <div>
        <button type="submit" class="primary" disabled={score === undefined || state === 'sending'}>
          {t('ratingSend')}
        </button>
      </div>
    </form>
  );
}
