import type { Participant, Role } from '../core/protocol';
import { t, type MessageKey } from '../core/i18n';
import type { LinkState } from '../core/session/runtime';

const roleLabel: Record<Role, MessageKey> = {
  controller: 'roleController',
  assistant: 'roleAssistant',
  customer: 'roleCustomer',
};

interface Props {
  participants: Participant[];
  selfId: string;
  linkStates: ReadonlyMap<string, LinkState>;
}

export function ParticipantList({ participants, selfId, linkStates }: Props) {
  return (
    <section class="card" aria-label={t('participants')}>
      <h3>{t('participants')}</h3>
      <ul class="participants">
        {participants.map((p) => {
          const state = p.id === selfId ? 'connected' : (linkStates.get(p.id) ?? 'offline');
          return (
            <li key={p.id}>
              <span class={`dot ${state}`} aria-hidden="true" />
              <span>
                {p.name} {p.id === selfId ? t('you') : ''}
              </span>
              <span class="badge">{t(roleLabel[p.role])}</span>
              {p.id !== selfId && <span class="muted">{t(state)}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
