import { hasControlCharacters, type Queue, type QueueRouting } from '../../core/protocol';
import type { QueueRow, RepRow, Store } from '../store';
import type { BrokerContext } from '../context';
import { newId } from '../auth/tokens';
import { mapInOrder } from '../inOrder';
import { eligibleOf, repsById } from './agents';

/** Queues as agents see them in the Transfer dialog: how many of their agents could take a session now. */
export async function listQueues(ctx: BrokerContext): Promise<Queue[]> {
  return await mapInOrder(await ctx.store.acd.listQueues(), async (q) => {
    const agents = await repsById(ctx, await ctx.store.acd.queueAgentIds(q.id));
    return {
      id: q.id,
      name: q.name,
      routing: q.routing,
      agents: agents.length,
      available: (await eligibleOf(ctx, agents)).length,
    };
  });
}

/** Admin: the queue's agents by email; every one must be a WebACD agent. */
export function agentsByEmail(store: Store, emails: readonly string[]): Promise<RepRow[]> {
  return mapInOrder(emails, async (email) => {
    const rep = await store.findRepByEmail(email.trim().toLowerCase());
    if (!rep) throw new Error(`There is no rep with the email ${email}`);
    if (!rep.isAgent) throw new Error(`${email} is not a WebACD agent (set-rep --email ${email} --acd)`);
    return rep;
  });
}

/** Admin: a new queue. Names are unique, whatever their case. */
export async function addQueue(
  store: Store,
  name: string,
  routing: QueueRouting,
  agentEmails: readonly string[],
  now: number,
): Promise<QueueRow> {
  const cleanName = queueName(name);
  if (await store.acd.findQueueByName(cleanName)) throw new Error(`A queue named ${cleanName} exists already`);
  const agents = await agentsByEmail(store, agentEmails);
  const queue: QueueRow = { id: newId(), name: cleanName, routing, createdAt: now, cursorRepId: null };
  await store.transaction(async (tx) => {
    await tx.acd.insertQueue(queue);
    await tx.acd.setQueueAgents(
      queue.id,
      agents.map((rep) => rep.id),
    );
    await tx.audit({
      at: now,
      actor: 'admin-cli',
      action: 'queue-add',
      sessionId: null,
      detail: { queueId: queue.id, name: cleanName },
    });
  });
  return queue;
}

export function queueName(name: string): string {
  const clean = name.normalize('NFC').trim();
  if (clean.length === 0 || clean.length > 80 || hasControlCharacters(clean)) {
    throw new Error('A queue name has 1 to 80 characters on one line');
  }
  return clean;
}
