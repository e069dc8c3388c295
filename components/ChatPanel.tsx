import { Component, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { deliveryStatus } from '../core/chat/chat';
import type { ChatLog } from '../core/chat/chat-log';
import { entryKey, type ChatEntry } from '../core/chat/types';
import { CHAT_TEXT_MAX_CHARS } from '../core/protocol';
import { t } from '../core/i18n';
import type { TimelineItem } from '../core/session/timeline';
import { formatTime, isoTime } from './format';
import { timelineText } from './timeline-text';

/** Lines shown at first; "Show earlier messages" adds this many more each time. */
const PAGE = 100;

interface Props {
  log: ChatLog;
  /** Which entries belong here (a rep's thread; everything for a customer). */
  include?(entry: ChatEntry): boolean;
  onSend(text: string): void;
  onRetry(key: string): void;
  /** A participant's name, for "Not delivered to …". */
  nameOf(participantId: string): string;
  /** Joins and departures, shown between the messages (reps). */
  timeline?: readonly TimelineItem[];
  /** Timeline lines in the words meant for a customer ("Bob is now helping you"). */
  timelineForCustomer?: boolean;
  /** The message box's accessible name, e.g. "Message to Ann". */
  composerLabel?: string;
  disabled?: boolean;
  /** Why the box is disabled, shown in its place. */
  disabledReason?: string;
  /** Above the log (a rep's thread tabs). */
  header?: ComponentChildren;
  /** Put the cursor in the message box when the chat appears (the customer, right after Join). */
  autoFocus?: boolean;
  /** The conversation so far is still on its way (a rep who joined late). */
  loading?: boolean;
}

/**
 * The conversation: messages with sender, time and (own ones) delivery, as text only, never HTML. Only
 * the newest lines are rendered, so a long or flooded conversation costs the same as a short one. Enter
 * sends, Shift+Enter breaks the line.
 */
export function ChatPanel({
  log,
  include,
  onSend,
  onRetry,
  nameOf,
  timeline,
  timelineForCustomer = false,
  composerLabel,
  disabled,
  disabledReason,
  header,
  autoFocus,
  loading,
}: Props) {
  const [draft, setDraft] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (autoFocus) box.current?.focus();
  }, []);
  const [limit, setLimit] = useState(PAGE);
  const list = useRef<HTMLOListElement>(null);
  const { entries, hasEarlier } = log.window(limit, include);
  const newest = entries[entries.length - 1];
  const lines = withTimeline(entries, hasEarlier, timeline ?? []);
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [newest && entryKey(newest), lines.length]);

  const submit = () => {
    if (!draft.trim() || disabled) return;
    onSend(draft);
    setDraft('');
  };

  return (
    <section class="card stack chat" aria-label={t('chat')}>
      <h3>{t('chat')}</h3>
      {header}
      {loading && (
        <p class="muted" role="status">
          {t('historyLoading')}
        </p>
      )}
      {lines.length === 0 ? (
        !loading && <p class="muted">{t('chatEmpty')}</p>
      ) : (
        // Focusable: the log scrolls on its own, and keyboard users scroll it too.
        <ol class="chat-log" ref={list} aria-live="polite" aria-label={t('chat')} tabIndex={0}>
          {hasEarlier && (
            <li class="system">
              <button type="button" class="link-button" onClick={() => setLimit(limit + PAGE)}>
                {t('showEarlier')}
              </button>
            </li>
          )}
          {lines.map((line) =>
            'kind' in line ? (
              <TimelineLine key={line.key} item={line} forCustomer={timelineForCustomer} />
            ) : (
              <ChatLine key={entryKey(line)} entry={line} nameOf={nameOf} onRetry={onRetry} />
            ),
          )}
        </ol>
      )}
      {disabled && disabledReason ? (
        <p class="muted" role="status">
          {disabledReason}
        </p>
      ) : (
        <form
          class="chat-form"
          onSubmit={(ev) => {
            ev.preventDefault();
            submit();
          }}
        >
          <textarea
            ref={box}
            aria-label={composerLabel ?? t('messageLabel')}
            placeholder={t(touchFirst() ? 'messagePlaceholderTouch' : 'messagePlaceholder')}
            rows={1}
            maxLength={CHAT_TEXT_MAX_CHARS}
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
      )}
    </section>
  );
}

/** A phone or tablet: its keyboard's Enter is not where a desktop's is, so the hint leaves it out. */
const touchFirst = () => typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;

/** Timeline items that fall within the window of messages shown (all of them when nothing older is hidden). */
function withTimeline(
  entries: ChatEntry[],
  hasEarlier: boolean,
  timeline: readonly TimelineItem[],
): (ChatEntry | TimelineItem)[] {
  if (timeline.length === 0) return entries;
  const from = hasEarlier ? (entries[0]?.sentAt ?? Infinity) : -Infinity;
  const items = timeline.filter((item) => item.at >= from);
  return [...entries, ...items].sort((a, b) => ('kind' in a ? a.at : a.sentAt) - ('kind' in b ? b.at : b.sentAt));
}

function TimelineLine({ item, forCustomer }: { item: TimelineItem; forCustomer: boolean }) {
  return (
    <li class="system">
      {timelineText(item, forCustomer)} · <time dateTime={isoTime(item.at)}>{formatTime(item.at)}</time>
    </li>
  );
}

interface LineProps {
  entry: ChatEntry;
  nameOf(participantId: string): string;
  onRetry(key: string): void;
}

/**
 * One message. The chat replaces an entry object only when that message changes, so a line re-renders
 * only then: a long conversation costs one line's work per message, not the whole log's.
 */
class ChatLine extends Component<LineProps> {
  override shouldComponentUpdate(next: LineProps): boolean {
    return next.entry !== this.props.entry;
  }

  override render() {
    const { entry: e, nameOf, onRetry } = this.props;
    const status = e.mine ? deliveryStatus(e) : undefined;
    return (
      <li class={e.mine ? 'mine' : ''}>
        <span class="chat-meta">
          {e.senderName} · <time dateTime={isoTime(e.sentAt)}>{formatTime(e.sentAt)}</time>
          {e.thread === 'all' && ` · ${t('toEveryone')}`}
          {e.via !== undefined && ` · ${t('chatRelayed', { name: nameOf(e.via) })}`}
          {status === 'sending' && ` · ${t('pending')}`}
          {status === 'delivered' && ` · ${t('delivered')}`}
        </span>
        <span dir="auto">{e.text}</span>
        {status === 'failed' && (
          <span class="chat-failed" role="alert">
            {e.pendingFor.length > 0
              ? t('notDeliveredTo', { names: e.pendingFor.map(nameOf).filter(Boolean).join(', ') })
              : t('notDeliveredNobody')}{' '}
            <button type="button" class="link-button" onClick={() => onRetry(entryKey(e))}>
              {t('retry')}
            </button>
          </span>
        )}
      </li>
    );
  }
}
