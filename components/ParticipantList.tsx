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
  linkStates: ReadonlyMap<string, LinkState>;
  /** Who is sharing a screen right now (self included). */
  sharing: ReadonlySet<string>;
  activeCustomerId?: string | null;
  /** The controller picks the customer to help by their name; absent for everyone else. */
  onSelectCustomer?(participantId: string): void;
  /** The controller takes someone out of the session (asks first); absent for everyone else. */
  onRemove?(participant: Participant): void;
}

/** Everyone in the session: role, connection state, what they share, and (controller) whom to help. */
export function ParticipantList({
  participants,
  selfId,
  linkStates,
  sharing,
  activeCustomerId,
  onSelectCustomer,
  onRemove,
}: Props) {
  return (
    <section class="card" aria-label={t('participants')}>
      <h3>{t('participants')}</h3>
      <ul class="participants">
        {participants.map((p) => {
          const state = p.id === selfId ? 'connected' : (linkStates.get(p.id) ?? 'offline');
          const active = p.role === 'customer' && p.id === activeCustomerId;
          const name = `${p.name}${p.id === selfId ? ` ${t('you')}` : ''}`;
          const selectable = onSelectCustomer && p.role === 'customer' && p.leftAt === null;
          return (
            <li key={p.id} class={active ? 'active' : undefined}>
              <span class={`dot ${state}`} aria-hidden="true" />
              {selectable ? (
                <button type="button" class="link-button" aria-pressed={active} onClick={() => onSelectCustomer(p.id)}>
                  {p.name}
                </button>
              ) : (
                <span>{name}</span>
              )}
              <span class="badge">{t(roleLabel[p.role])}</span>
              {active && <span class="badge">{t('activeCustomer')}</span>}
              {p.id !== selfId && <span class="muted">{t(stateText(state, p))}</span>}
              {sharing.has(p.id) && <span class="muted">{t('sharingScreen')}</span>}
              {onRemove && p.id !== selfId && p.leftAt === null && (
                <button
                  type="button"
                  class="link-button remove"
                  aria-label={t('removeNamed', { name: p.name })}
                  onClick={() => onRemove(p)}
                >
                  {t('remove')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
