import { useEffect, useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import { countCharacters, firstCharacters, groupSessionNumber, TRANSFER_MESSAGE_MAX } from '../../core/protocol';
import type { Agent, AgentStatus, Queue, TransferRequest } from '../../core/protocol';
import { ErrorLine } from '../Field';
import { Loading } from '../Loading';
import { Modal } from '../Modal';
import { TabList } from '../TabList';
import { agentStatusKey } from './agent-status';

interface Props {
  sessionNumber: string;
  /** Queues and agents to pick from (fetched when the dialog opens: availability changes by the minute). */
  loadTargets(): Promise<{ queues: Queue[]; agents: Agent[] }>;
  /** The agent's own rep id: never a target. */
  selfRepId: string;
  onTransfer(request: TransferRequest): Promise<void>;
  onClose(): void;
}

type Tab = 'queues' | 'agents';

/**
 * Transfer a session to WebACD: one queue (each says how many of its agents are free) or one or more
 * agents (each with their status), and a personal message of at most 345 characters as a person counts
 * them. The caller leaves the session once the broker has taken the transfer.
 */
export function TransferDialog({ sessionNumber, loadTargets, selfRepId, onTransfer, onClose }: Props) {
  const [tab, setTab] = useState<Tab>('queues');
  const [targets, setTargets] = useState<{ queues: Queue[]; agents: Agent[] }>();
  const [queueId, setQueueId] = useState<string>();
  const [agentIds, setAgentIds] = useState<ReadonlySet<string>>(new Set());
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadTargets().then(setTargets, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [loadTargets]);

  const agents = targets?.agents.filter((a) => a.id !== selfRepId) ?? [];
  const left = TRANSFER_MESSAGE_MAX - countCharacters(message);
  const request: TransferRequest | undefined =
    tab === 'queues'
      ? queueId
        ? { queueId, ...(message.trim() ? { message } : {}) }
        : undefined
      : agentIds.size > 0
        ? { agentIds: [...agentIds], ...(message.trim() ? { message } : {}) }
        : undefined;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!request) return setError(t('transferPickTarget'));
    setBusy(true);
    setError(undefined);
    try {
      await onTransfer(request);
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  const toggleAgent = (id: string, on: boolean) => {
    const next = new Set(agentIds);
    if (on) next.add(id);
    else next.delete(id);
    setAgentIds(next);
  };

  return (
    <Modal title={t('transferDialogTitle', { number: groupSessionNumber(sessionNumber) })} onClose={onClose}>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <p class="muted">{t('transferDialogDetail')}</p>
        <TabList
          label={t('transferSession')}
          idPrefix="transfer-tab"
          selectedId={tab}
          onSelect={(id) => setTab(id as Tab)}
          tabs={[
            { id: 'queues', label: t('transferQueues') },
            { id: 'agents', label: t('transferAgents') },
          ]}
        />
        <div role="tabpanel" aria-labelledby={`transfer-tab-${tab}`} class="transfer-targets">
          {!targets ? (
            <Loading />
          ) : tab === 'queues' ? (
            targets.queues.length === 0 ? (
              <p role="status">{t('transferNoQueues')}</p>
            ) : (
              <fieldset aria-label={t('transferQueues')}>
                {targets.queues.map((q) => (
                  <label key={q.id} class="choice">
                    <input type="radio" name="queue" checked={queueId === q.id} onChange={() => setQueueId(q.id)} />
                    {t('transferQueueAvailable', { name: q.name, count: q.available, total: q.agents })}
                  </label>
                ))}
              </fieldset>
            )
          ) : agents.length === 0 ? (
            <p role="status">{t('transferNoAgents')}</p>
          ) : (
            <fieldset aria-label={t('transferAgents')}>
              {agents.map((a) => (
                <label key={a.id} class="choice">
                  <input
                    type="checkbox"
                    checked={agentIds.has(a.id)}
                    onChange={(e) => toggleAgent(a.id, e.currentTarget.checked)}
                  />
                  <span class={`dot ${statusDot(a.status)}`} aria-hidden="true" />
                  {a.name} <span class="muted">· {t(agentStatusKey(a.status))}</span>
                </label>
              ))}
            </fieldset>
          )}
        </div>
        <div>
          <label for="transfer-message">{t('transferMessage')}</label>
          <textarea
            id="transfer-message"
            rows={3}
            value={message}
            aria-describedby="transfer-message-left"
            // Stops at 345 characters as a person counts them (an emoji is one), not at 345 code units.
            onInput={(e) => {
              const limited = firstCharacters(e.currentTarget.value, TRANSFER_MESSAGE_MAX);
              if (limited !== e.currentTarget.value) e.currentTarget.value = limited;
              setMessage(limited);
            }}
          />
          <p id="transfer-message-left" class="muted">
            {t('transferCharactersLeft', { count: left })}
          </p>
        </div>
        <ErrorLine message={error} />
        <div class="row">
          <button type="submit" class="primary" disabled={busy || !request}>
            {busy ? t('transferring') : t('transferConfirm')}
          </button>
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The connection dot's look for an agent's status. */
const statusDot = (status: AgentStatus) => (status === 'available' ? 'connected' : status === 'offline' ? '' : 'connecting');
