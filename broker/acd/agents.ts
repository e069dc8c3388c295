import type { Agent, AgentState, AgentStatus } from '../../core/protocol';
import type { RepRow } from '../store';
import type { BrokerContext } from '../context';
import { forbidden } from '../api/errors';

/**
 * Agents as WebACD sees them: online while an events socket of theirs is open (the side panel or the
 * extension's background), available or away as they set it, busy at their maximum of sessions.
 */

/** At most this many live sessions; the admin's `--max-sessions`, else what the mode allows. */
export function maxSessionsOf(ctx: BrokerContext, rep: RepRow): number {
  return rep.maxSessions ?? (rep.mode === 'single' ? 1 : Infinity);
}

export function atCapacity(ctx: BrokerContext, rep: RepRow): boolean {
  return ctx.store.acd.countLiveSessionsOfRep(rep.id) >= maxSessionsOf(ctx, rep);
}

export function agentStatus(ctx: BrokerContext, rep: RepRow): AgentStatus {
  if (!ctx.reps.isOnline(rep.id)) return 'offline';
  if (ctx.store.acd.agentState(rep.id).state === 'away') return 'away';
  return atCapacity(ctx, rep) ? 'busy' : 'available';
}

/** Could this agent be offered a session now? */
export const isEligible = (ctx: BrokerContext, rep: RepRow) =>
  rep.isAgent && rep.disabledAt === null && agentStatus(ctx, rep) === 'available';

export function requireAgent(rep: RepRow): void {
  if (!rep.isAgent) throw forbidden('Only WebACD agents can do this. Ask an admin to make you an agent.');
}

/** Every agent with their status, by name. */
export function listAgents(ctx: BrokerContext): Agent[] {
  return ctx.store.acd
    .listAgentIds()
    .map((id) => ctx.store.findRepById(id))
    .filter((rep): rep is RepRow => rep !== undefined)
    .map((rep) => ({ id: rep.id, name: rep.name, status: agentStatus(ctx, rep) }));
}

/** An agent says whether they take sessions now. */
export function setAgentState(ctx: BrokerContext, rep: RepRow, state: AgentState): { state: AgentState; status: AgentStatus } {
  requireAgent(rep);
  const now = ctx.now();
  ctx.store.transaction(() => {
    ctx.store.acd.setAgentState(rep.id, state, now);
    ctx.store.audit({ at: now, actor: `rep:${rep.id}`, action: 'agent-state', sessionId: null, detail: { state } });
  });
  ctx.acd.changed();
  return { state, status: agentStatus(ctx, rep) };
}

/** Signing in makes an agent available until they say otherwise. */
export function agentSignedIn(ctx: BrokerContext, rep: RepRow): void {
  if (!rep.isAgent) return;
  ctx.store.acd.setAgentState(rep.id, 'available', ctx.now());
  ctx.acd.changed();
}
