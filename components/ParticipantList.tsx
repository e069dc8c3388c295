import type { Participant, Role } from '../core/protocol';
import { t, type MessageKey } from '../core/i18n';
import type { LinkState } from '../core/session/runtime';

const roleLabel: Record<Role, MessageKey> = {
  controller: 'roleController',
  assistant: 'roleAssistant',
  customer: 'roleCustomer',
};

const stateLabel: Record<LinkState, MessageKey> = {
  connected: 'connected',
  connecting: 'connecting',
  reconnecting: 'reconnectingState',
  offline: 'offline',
  left: 'leftState',
};

/** How someone's connection reads; someone gone says how they went. */
export function stateText(state: LinkState, p: Participant): MessageKey {
  if (state === 'left' && p.leftReason === 'removed') return 'removedState';
  if (state === 'left' && p.leftReason === 'timeout') return 'timedOutState';
  return stateLabel[state];
}

interface Props {
  participants: readonly Participant[];
  selfId: string;
  /** The name to show for each participant: two people with one name are told apart. */
  names: ReadonlyMap<string, string>;
  linkStates: ReadonlyMap<string, LinkState>;
  /** Who is sharing a screen right now (self included). */
  sharing: ReadonlySet<string>;
  activeCustomerId?: string | null;
  /** The controller turns to a customer ("Help this customer"); absent for everyone else. */
  onSelectCustomer?(participantId: string): void;
  /** The controller takes someone out of the session (asks first); absent for everyone else. */
  onRemove?(participant: Participant): void;
}

/**
 * Everyone in the session, one compact row each: name and role on the first line, connection and what
 * they share on the second, and (controller) "Help this customer" and Remove at the right.
 */
export function ParticipantList({
  participants,
  selfId,
  names,
  linkStates,
  sharing,
  activeCustomerId,
  onSelectCustomer,
  onRemove,
}: Props) {
  const live = participants.filter((p) => p.role === 'customer' && p.leftAt === null);
  const nameOf = (p: Participant) => names.get(p.id) ?? p.name;
  return (
    <section class="card" aria-label={t('participants')}>
      <h3>{t('participantsCount', { count: participants.filter((p) => p.leftAt === null).length })}</h3>
      {onSelectCustomer && live.length > 1 && <p class="muted hint">{t('helpCustomerHint')}</p>}
      <ul class="participants">
        {participants.map((p) => {
          const state = p.id === selfId ? 'connected' : (linkStates.get(p.id) ?? 'offline');
          const active = p.role === 'customer' && p.id === activeCustomerId;
          const name = nameOf(p);
          const selectable = onSelectCustomer && p.role === 'customer' && p.leftAt === null && !active;
          const details = [
            p.id !== selfId ? t(stateText(state, p)) : undefined,
            sharing.has(p.id) ? t('sharingScreen') : undefined,
          ].filter(Boolean);
          return (
            <li key={p.id} class={active ? 'active' : undefined}>
              <span class={`dot ${state}`} aria-hidden="true" />
              <span class="who">
                <span class="name ellipsis" title={name}>
                  {name}
                  {p.id === selfId && ` ${t('you')}`}
                </span>
                <span class="badge">{t(roleLabel[p.role])}</span>
                {active && <span class="badge accent">{t('activeCustomer')}</span>}
              </span>
              <span class="details muted">{details.join(' · ')}</span>
              <span class="actions">
                {selectable && (
                  <button
                    type="button"
                    class="small"
                    aria-label={t('helpThisCustomerNamed', { name })}
                    title={t('helpCustomerHint')}
                    onClick={() => onSelectCustomer(p.id)}
                  >
                    {t('helpThisCustomer')}
                  </button>
                )}
                {onRemove && p.id !== selfId && p.leftAt === null && (
                  <button
                    type="button"
                    class="link-button remove"
                    aria-label={t('removeNamed', { name })}
                    onClick={() => onRemove(p)}
                  >
                    {t('remove')}
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
