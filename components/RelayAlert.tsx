import { t } from '../core/i18n';
import type { RelayState } from '../core/mesh/relay-check';

/**
 * Says so when the TURN relay cannot be reached (wrong or expired credentials, server down), instead of
 * leaving people to wonder why nothing connects. Reps are told whom to ask; customers what to try.
 */
export function RelayAlert({ state, audience }: { state: RelayState; audience: 'rep' | 'customer' }) {
  if (state !== 'unreachable') return null;
  return (
    <p class="status" role="alert" data-testid="relay-unreachable">
      {t(audience === 'rep' ? 'relayUnreachableRep' : 'relayUnreachable')}
    </p>
  );
}
