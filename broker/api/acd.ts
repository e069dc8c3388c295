import type { BrokerContext } from '../context';
import { listAgents, requireAgent, setAgentState } from '../acd/agents';
import { listQueues } from '../acd/queues';
import { acceptTransfer, cancelTransfer, declineTransfer, startTransfer } from '../acd/transfers';
import { repTransfers } from '../acd/views';
import type { Handlers } from './routeTable';

type AcdRoute =
  | 'transfer'
  | 'listTransfers'
  | 'acceptTransfer'
  | 'declineTransfer'
  | 'cancelTransfer'
  | 'listQueues'
  | 'listAgents'
  | 'setAgentState';

/** WebACD routes: thin, like the session routes. */
export function acdHandlers(ctx: BrokerContext): Handlers<AcdRoute> {
  return {
    transfer: async ({ caller, params, body }) => await startTransfer(ctx, caller, params.id, body),
    listTransfers: async ({ caller }) => await repTransfers(ctx, caller.rep.id),
    acceptTransfer: async ({ caller, params }) => await acceptTransfer(ctx, caller.rep, params.id),
    declineTransfer: async ({ caller, params }) => (await declineTransfer(ctx, caller.rep, params.id), { ok: true }),
    cancelTransfer: async ({ caller, params }) => await cancelTransfer(ctx, caller.rep, params.id),
    listQueues: async ({ caller }) => (requireAgent(caller.rep), { queues: await listQueues(ctx) }),
    listAgents: async ({ caller }) => (requireAgent(caller.rep), { agents: await listAgents(ctx) }),
    setAgentState: async ({ caller, body }) => await setAgentState(ctx, caller.rep, body.state),
  };
}
