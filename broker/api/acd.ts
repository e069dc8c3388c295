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
    transfer: ({ caller, params, body }) => startTransfer(ctx, caller, params.id, body),
    listTransfers: ({ caller }) => repTransfers(ctx, caller.rep.id),
    acceptTransfer: ({ caller, params }) => acceptTransfer(ctx, caller.rep, params.id),
    declineTransfer: ({ caller, params }) => (declineTransfer(ctx, caller.rep, params.id), { ok: true }),
    cancelTransfer: ({ caller, params }) => cancelTransfer(ctx, caller.rep, params.id),
    listQueues: ({ caller }) => (requireAgent(caller.rep), { queues: listQueues(ctx) }),
    listAgents: ({ caller }) => (requireAgent(caller.rep), { agents: listAgents(ctx) }),
    setAgentState: ({ caller, body }) => setAgentState(ctx, caller.rep, body.state),
  };
}
