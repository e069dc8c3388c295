import type { MessageKey } from '../../core/i18n';
import type { AgentStatus } from '../../core/protocol';

const KEYS: Record<AgentStatus, MessageKey> = {
  available: 'agentAvailable',
  away: 'agentAway',
  busy: 'agentBusy',
  offline: 'agentOffline',
};

/** An agent's status in words. */
export const agentStatusKey = (status: AgentStatus): MessageKey => KEYS[status];
