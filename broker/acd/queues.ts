import { hasControlCharacters, type Queue, type QueueRouting } from '../../core/protocol';
import type { QueueRow, RepRow, Store } from '../store';
import type { BrokerContext } from '../context';
import { newId } from '../auth/tokens';
import { isEligible } from './agents';

/** Queues as agents see them in the Transfer dialog: how many of their agents could take a session now. */
export function listQueues(ctx: BrokerContext): Queue[] {
  return ctx.store.acd.listQueues().map((q) => {
    const agents = ctx.store.acd
      .queueAgentIds(q.id)
      .map((id) => ctx.store.findRepById(id))
      .filter((rep): rep is RepRow => rep !== undefined);
    return {
      id: q.id,
      name: q.name,
      routing: q.routing,
      agents: agents.length,
      available: agents.filter((rep) => isEligible(ctx, rep)).length,
    };
  });
}

/** Admin: the queue's agents by email; every one must be a WebACD agent. */
export function agentsByEmail(store: Store, emails: readonly string[]): RepRow[] {
  return emails.map((email) => {
    const rep = store.findRepByEmail(email.trim().toLowerCase());
    if (!rep) throw new Error(`There is no rep with the email ${email}`);
    if (!rep.isAgent) throw new Error(`${email} is not a WebACD agent (set-rep --email ${email} --acd)`);
    return rep;
  });
}

/** Admin: a new queue. Names are unique, whatever their case. */
export function addQueue(
  store: Store,
  name: string,
  routing: QueueRouting,
  agentEmails: readonly string[],
  now: number,
): QueueRow {
  const cleanName = queueName(name);
  if (store.acd.findQueueByName(cleanName)) throw new Error(`A queue named ${cleanName} exists already`);
  const agents = agentsByEmail(store, agentEmails);
  const queue: QueueRow = { id: newId(), name: cleanName, routing, createdAt: now, cursorRepId: null };
  store.transaction(() => {
    store.acd.insertQueue(queue);
    store.acd.setQueueAgents(
      queue.id,
      agents.map((rep) => rep.id),
    );
    store.audit({
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
