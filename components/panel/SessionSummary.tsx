import { useState } from 'preact/hooks';
import { errorText } from '../../core/broker/error-text';
import { transcriptText } from '../../core/chat/transcript';
import { formatDuration } from '../../core/duration';
import { t } from '../../core/i18n';
import { groupSessionNumber, SUMMARY_NOTES_MAX_CHARS, TICKET_MAX_CHARS } from '../../core/protocol';
import type { SessionRuntime } from '../../core/session/runtime';
import { ErrorLine, Field } from '../Field';

interface Props {
  runtime: SessionRuntime;
  onClose(): void;
  /** Hands the transcript to the browser as a file (the entrypoint's download). */
  saveFile(name: string, text: string): void;
}

/**
 * What the controller sees after End (issue 17): who was helped, for how long, what was shared; notes and
 * an optional ticket reference saved with the session; and the chat as a text file to keep.
 */
export function SessionSummary({ runtime, onClose, saveFile }: Props) {
  const session = runtime.session.value;
  // By name: a customer who left and came back with the link is one person here (as in the report).
  const customers = [...new Set(runtime.participants.value.filter((p) => p.role === 'customer').map((p) => p.name))];
  const shared = [...runtime.everShared.value].map(runtime.nameOf).filter(Boolean);
  const duration = formatDuration((session.endedAt ?? Date.now()) - session.createdAt);
  const [notes, setNotes] = useState('');
  const [ticket, setTicket] = useState('');
  const [saving, setSaving] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<string>();

  const save = async () => {
    setSaving('saving');
    setError(undefined);
    try {
      await runtime.saveSummary(notes, ticket.trim() || undefined);
      setSaving('saved');
    } catch (e) {
      setSaving('idle');
      setError(t('summaryNotSaved', { message: errorText(e, { audience: 'rep' }) }));
    }
  };

  const transcript = () => {
    const { entries } = runtime.chat.log.window(Number.MAX_SAFE_INTEGER);
    const text = transcriptText(entries, {
      number: groupSessionNumber(session.number),
      startedAt: session.createdAt,
      endedAt: session.endedAt,
      threadName: (thread) => (thread === 'all' ? t('everyone') : runtime.nameOf(thread) || thread),
      words: {
        title: t('transcriptTitle'),
        started: t('transcriptStarted'),
        ended: t('transcriptEnded'),
        conversation: t('transcriptConversation'),
      },
    });
    saveFile(`session-${session.number}.txt`, text);
  };

  return (
    <section class="stack summary" aria-labelledby="summary-title">
      <h1 id="summary-title">{t('sessionEnded')}</h1>
      <dl class="facts">
        <dt>{t('sessionNumber')}</dt>
        <dd>{groupSessionNumber(session.number)}</dd>
        <dt>{t('summaryCustomers')}</dt>
        <dd>{customers.length > 0 ? customers.join(', ') : t('summaryNobody')}</dd>
        <dt>{t('summaryDuration')}</dt>
        <dd>{duration}</dd>
        <dt>{t('summaryShared')}</dt>
        <dd>{shared.length > 0 ? t('summarySharedScreens', { names: shared.join(', ') }) : t('summaryNothingShared')}</dd>
      </dl>
      <form
        class="stack"
        onSubmit={(ev) => {
          ev.preventDefault();
          void save();
        }}
      >
        <div>
          <label for="summary-notes">{t('summaryNotes')}</label>
          <textarea
            id="summary-notes"
            rows={4}
            maxLength={SUMMARY_NOTES_MAX_CHARS}
            value={notes}
            aria-describedby="summary-notes-hint"
            onInput={(ev) => {
              setNotes(ev.currentTarget.value);
              setSaving('idle');
            }}
          />
          <p id="summary-notes-hint" class="muted hint field-hint">
            {t('summaryNotesHint')}
          </p>
        </div>
        <Field
          id="summary-ticket"
          label={t('summaryTicket')}
          required={false}
          maxLength={TICKET_MAX_CHARS}
          autocomplete="off"
          value={ticket}
          onValue={(value) => {
            setTicket(value);
            setSaving('idle');
          }}
        />
        <ErrorLine message={error} />
        <div class="row">
          <button type="submit" class="primary" disabled={saving === 'saving'}>
            {t('summarySave')}
          </button>
          <span role="status" class="muted">
            {saving === 'saved' ? t('summarySaved') : ''}
          </span>
        </div>
      </form>
      <div class="row">
        <button type="button" onClick={transcript}>
          {t('saveTranscript')}
        </button>
        <button type="button" onClick={onClose}>
          {t('backToStart')}
        </button>
      </div>
    </section>
  );
}
