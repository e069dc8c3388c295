import { useEffect, useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { Participant } from '../../core/protocol';
import type { SessionRuntime } from '../../core/session/runtime';
import { ChatPanel } from '../ChatPanel';
import { TabList } from '../TabList';

/** Every customer who has been in the session: the one being helped first, then by arrival. */
function customersInOrder(participants: readonly Participant[], activeId: string | null): Participant[] {
  const customers = participants.filter((p) => p.role === 'customer');
  const rank = (p: Participant) => (p.id === activeId ? 0 : p.leftAt === null ? 1 : 2);
  return customers.sort((a, b) => rank(a) - rank(b) || a.joinedAt - b.joinedAt);
}

/**
 * The reps' side of the conversations: one thread per customer (each private to that customer and the
 * session's reps), the active customer's first, unread counts on the others, and "Everyone" for posts
 * every participant reads. With one customer there is just their conversation.
 */
export function RepChat({ runtime, nameOf }: { runtime: SessionRuntime; nameOf(participantId: string): string }) {
  const log = runtime.chat.log;
  const activeId = runtime.activeCustomerId.value;
  const customers = customersInOrder(runtime.participants.value, activeId);
  const threads = [...customers.map((c) => c.id), ...(customers.length > 1 ? ['all'] : [])];
  const fallback = activeId ?? customers[0]?.id ?? 'all';
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const thread = chosen !== undefined && (threads.includes(chosen) || chosen === 'all') ? chosen : fallback;
  // What was there when a thread was last looked at counts as read.
  const [seen, setSeen] = useState<ReadonlyMap<string, number>>(
    () => new Map(threads.map((id) => [id, log.countFromOthers(id)])),
  );
  const countIn = (id: string) => log.countFromOthers(id);
  useEffect(() => {
    if (seen.get(thread) !== countIn(thread)) setSeen(new Map(seen).set(thread, countIn(thread)));
  });
  // Turning to another customer brings their conversation to the front.
  useEffect(() => setChosen(undefined), [activeId]);

  const customer = customers.find((c) => c.id === thread);
  const gone = customer !== undefined && customer.leftAt !== null;
  const unread = (id: string) => Math.max(0, countIn(id) - (seen.get(id) ?? 0));

  return (
    <ChatPanel
      log={log}
      include={runtime.chatRules.inThread(thread)}
      onSend={(text) => runtime.chat.send(text, thread)}
      onRetry={(key) => runtime.chat.retry(key)}
      nameOf={nameOf}
      timeline={runtime.timeline.value}
      loading={runtime.historyLoading.value}
      composerLabel={thread === 'all' ? t('messageToEveryone') : t('messageTo', { name: customer ? nameOf(customer.id) : '' })}
      disabled={gone}
      disabledReason={gone ? t('customerLeftThread', { name: nameOf(customer.id) }) : undefined}
      header={
        threads.length > 1 && (
          <TabList
            label={t('conversations')}
            idPrefix="thread"
            selectedId={thread}
            onSelect={setChosen}
            tabs={threads.map((id) => {
              const count = id === thread ? 0 : unread(id);
              return {
                id,
                label: id === 'all' ? t('everyone') : nameOf(id),
                unread: count,
                unreadLabel: t('unreadCount', { count }),
              };
            })}
          />
        )
      }
    />
  );
}
