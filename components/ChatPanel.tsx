import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatEntry } from '../core/chat/types';
import { t } from '../core/i18n';
import { formatTime } from './format';

interface Props {
  entries: ChatEntry[];
  onSend(text: string): void;
  disabled?: boolean;
}

/** The conversation: messages with sender and time (text only, never HTML); Enter sends, Shift+Enter breaks the line. */
export function ChatPanel({ entries, onSend, disabled }: Props) {
  const [draft, setDraft] = useState('');
  const log = useRef<HTMLOListElement>(null);
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [entries.length]);

  const submit = () => {
    if (!draft.trim() || disabled) return;
    onSend(draft);
    setDraft('');
  };

  return (
    <section class="card stack" aria-label={t('chat')}>
      <h3>{t('chat')}</h3>
      {entries.length === 0 ? (
        <p class="muted">{t('chatEmpty')}</p>
      ) : (
        <ol class="chat-log" ref={log} aria-live="polite" aria-label={t('chat')}>
          {entries.map((e) => (
            <li key={e.id} class={e.mine ? 'mine' : ''}>
              <span class="chat-meta">
                {e.senderName} · <time dateTime={new Date(e.sentAt).toISOString()}>{formatTime(e.sentAt)}</time>
                {e.mine && e.pendingFor.length > 0 ? ` · ${t('pending')}` : ''}
              </span>
              {e.text}
            </li>
          ))}
        </ol>
      )}
      <form
        class="chat-form"
        onSubmit={(ev) => {
          ev.preventDefault();
          submit();
        }}
      >
        <textarea
          aria-label={t('messageLabel')}
          placeholder={t('messagePlaceholder')}
          rows={1}
          maxLength={4000}
          value={draft}
          disabled={disabled}
          onInput={(ev) => setDraft(ev.currentTarget.value)}
          onKeyDown={(ev) => {
            if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
              ev.preventDefault();
              submit();
            }
          }}
        />
        <button type="submit" class="primary" disabled={disabled || !draft.trim()}>
          {t('send')}
        </button>
      </form>
    </section>
  );
}
