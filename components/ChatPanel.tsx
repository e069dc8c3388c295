import { Component } from 'preact';
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
            <ChatLine key={e.id} entry={e} />
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

/**
 * One message. The chat replaces an entry object only when that message changes, so a line re-renders
 * only then: a long conversation costs one line's work per message, not the whole log's.
 */
class ChatLine extends Component<{ entry: ChatEntry }> {
  override shouldComponentUpdate(next: { entry: ChatEntry }): boolean {
    return next.entry !== this.props.entry;
  }

  override render() {
    const e = this.props.entry;
    return (
      <li class={e.mine ? 'mine' : ''}>
        <span class="chat-meta">
          {e.senderName} · <time dateTime={new Date(e.sentAt).toISOString()}>{formatTime(e.sentAt)}</time>
          {e.mine && e.pendingFor.length > 0 ? ` · ${t('pending')}` : ''}
        </span>
        {e.text}
      </li>
    );
  }
}
