import { signal, type ReadonlySignal } from '@preact/signals-core';
import { createBrokerClient } from '../broker/client';
import type { AssistPageBridge, AssistRefusal } from '../extension/assist-bridge';
import { inviteProblem } from './invite-problem';

export type AssistPhase =
  | { name: 'loading' }
  | { name: 'invite-invalid' }
  | { name: 'invite-expired' }
  | { name: 'ended' }
  | { name: 'error'; message: string }
  | {
      name: 'ready';
      repName: string;
      sessionNumber: string;
      /** Is the Remote Support extension on this browser, set up for this broker? */
      extension: 'looking' | 'absent' | 'present' | 'other-broker';
      handover: 'idle' | 'sending' | 'handed' | 'sign-in' | 'failed';
      message?: string;
      refusal?: AssistRefusal;
      /** The extension took the invitation but could not open its panel: the colleague opens it. */
      openDashboard?: boolean;
    };

/**
 * The /assist page a colleague's invitation opens: checks the link, finds the extension and hands the
 * invitation to it (the side panel joins as assistant); without the extension it explains what to do.
 */
export function createAssistModel(deps: { brokerUrl: string; invite: string | undefined; bridge: AssistPageBridge }) {
  const phase = signal<AssistPhase>({ name: 'loading' });
  const update = (patch: Partial<Extract<AssistPhase, { name: 'ready' }>>) => {
    if (phase.value.name === 'ready') phase.value = { ...phase.value, ...patch };
  };

  return {
    phase: phase as ReadonlySignal<AssistPhase>,

    async load(): Promise<void> {
      if (!deps.invite) return void (phase.value = { name: 'invite-invalid' });
      try {
        const { invite } = await createBrokerClient({ baseUrl: deps.brokerUrl }).checkInvite(deps.invite);
        if (invite.role !== 'rep' || !invite.sessionNumber) return void (phase.value = { name: 'invite-invalid' });
        phase.value = {
          name: 'ready',
          repName: invite.repName,
          sessionNumber: invite.sessionNumber,
          extension: 'looking',
          handover: 'idle',
        };
      } catch (error) {
        const problem = inviteProblem(error, true);
        phase.value = problem
          ? { name: problem }
          : { name: 'error', message: error instanceof Error ? error.message : String(error) };
        return;
      }
      update({ extension: await deps.bridge.detect() });
    },

    /** Runs in the click: the extension opens its side panel within the gesture. */
    async assist(): Promise<void> {
      const current = phase.value;
      if (!deps.invite || current.name !== 'ready' || current.extension !== 'present') return;
      update({ handover: 'sending', message: undefined, refusal: undefined });
      const reply = await deps.bridge.handOver(deps.invite);
      if (!reply.ok) update({ handover: 'failed', message: reply.message, refusal: reply.refusal });
      else update({ handover: reply.signedIn ? 'handed' : 'sign-in', openDashboard: reply.dashboardOpened === false });
    },
  };
}

export type AssistModel = ReturnType<typeof createAssistModel>;
