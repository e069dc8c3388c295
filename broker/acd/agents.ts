import { transact } from '../transact';
import type { Agent, AgentState, AgentStatus } from '../../core/protocol';
import type { RepRow } from '../store';
import type { BrokerContext } from '../context';
import { forbidden } from '../api/errors';
import { filterInOrder, mapInOrder } from '../inOrder';

/**
 * Agents as WebACD sees them: online while an events socket of theirs is open (the side panel or the
 * extension's background), available or away as they set it, busy at their maximum of sessions.
 */

/** At most this many live sessions; the admin's `--max-sessions`, else what the mode allows. */
export function maxSessionsOf(ctx: BrokerContext, rep: RepRow): number {
  return rep.maxSessions ?? (rep.mode === 'single' ? 1 : Infinity);
}

export async function atCapacity(ctx: BrokerContext, rep: RepRow): Promise<boolean> {
  return (await ctx.store.acd.countLiveSessionsOfRep(rep.id)) >= maxSessionsOf(ctx, rep);
}

export async function agentStatus(ctx: BrokerContext, rep: RepRow): Promise<AgentStatus> {
  if (!ctx.reps.isOnline(rep.id)) return 'offline';
  if ((await ctx.store.acd.agentState(rep.id)).state === 'away') return 'away';
  return (await atCapacity(ctx, rep)) ? 'busy' : 'available';
}

/** Could this agent be offered a session now? */
export const isEligible = async (ctx: BrokerContext, rep: RepRow) =>
  rep.isAgent && rep.disabledAt === null && (await agentStatus(ctx, rep)) === 'available';

export function requireAgent(rep: RepRow): void {
  if (!rep.isAgent) throw forbidden('Only WebACD agents can do this. Ask an admin to make you an agent.');
}

/** Every agent with their status, by name. */
export async function listAgents(ctx: BrokerContext): Promise<Agent[]> {
  const reps = await repsById(ctx, await ctx.store.acd.listAgentIds());
  return await mapInOrder(reps, async (rep) => ({ id: rep.id, name: rep.name, status: await agentStatus(ctx, rep) }));
}

/** The reps with these ids, in order, leaving out any that no longer exist. */
export async function repsById(ctx: BrokerContext, ids: readonly string[]): Promise<RepRow[]> {
  const reps = await mapInOrder(ids, (id) => ctx.store.findRepById(id));
  return reps.filter((rep): rep is RepRow => rep !== undefined);
}

/** The reps of `reps` who could be offered a session now. */
export function eligibleOf(ctx: BrokerContext, reps: readonly RepRow[]): Promise<RepRow[]> {
  return filterInOrder(reps, (rep) => isEligible(ctx, rep));
}

/** An agent says whether they take sessions now. */
export async function setAgentState(
  ctx: BrokerContext,
  rep: RepRow,
  state: AgentState,
): Promise<{ state: AgentState; status: AgentStatus }> {
  requireAgent(rep);
  const now = ctx.now();
  await transact(ctx, async (t) => {
    await t.store.acd.setAgentState(rep.id, state, now);
    await t.store.audit({ at: now, actor: `rep:${rep.id}`, action: 'agent-state', sessionId: null, detail: { state } });
  });
  ctx.acd.changed();
  return { state, status: await agentStatus(ctx, rep) };
}

/** Signing in makes an agent available until they say otherwise. */
export async function agentSignedIn(ctx: BrokerContext, rep: RepRow): Promise<void> {
  if (!rep.isAgent) return;
  await ctx.store.acd.setAgentState(rep.id, 'available', ctx.now());
  ctx.acd.changed();
}
