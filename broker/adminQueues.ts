import { parseArgs } from 'node:util';
import type { QueueRouting } from '../core/protocol';
import type { Store } from './store';
import { addQueue, agentsByEmail, queueName } from './acd/queues';

/** WebACD queues from the admin CLI: add-queue, set-queue, list-queues, remove-queue. */

export const QUEUE_USAGE = `  add-queue  --name Q --agents E1,E2 [--routing everybody|most-idle|round-robin]
             A WebACD queue of agents (reps added with --acd); routing defaults to everybody
  set-queue  --name Q [--agents E1,E2] [--routing R] [--rename NEW]
  list-queues     Queues with their routing and agents
  remove-queue    --name Q   Sessions queued there stay with whoever it was offered to`;

const ROUTINGS: readonly QueueRouting[] = ['everybody', 'most-idle', 'round-robin'];

export interface QueueCommandIo {
  out(line: string): void;
  /** Raised for what the admin can fix; the caller prints it without a stack trace. */
  fail(message: string): never;
}

function routingOption(io: QueueCommandIo, raw: string | undefined): QueueRouting | undefined {
  if (raw === undefined) return undefined;
  if (!(ROUTINGS as readonly string[]).includes(raw)) io.fail(`--routing must be one of ${ROUTINGS.join(', ')}, got "${raw}"`);
  return raw as QueueRouting;
}

const emailList = (raw: string) =>
  raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);

function parse(io: QueueCommandIo, args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      options: {
        name: { type: 'string' },
        agents: { type: 'string' },
        routing: { type: 'string' },
        rename: { type: 'string' },
      },
    }).values;
  } catch (error) {
    return io.fail((error as Error).message);
  }
}

async function describe(store: Store, queueId: string): Promise<string> {
  const q = (await store.acd.findQueue(queueId))!;
  const agents: string[] = [];
  for (const id of await store.acd.queueAgentIds(q.id)) agents.push((await store.findRepById(id))?.email ?? id);
  return `${q.name} (${q.routing}): ${agents.length === 0 ? 'no agents' : agents.join(', ')}`;
}

export const QUEUE_COMMANDS: Record<string, (store: Store, io: QueueCommandIo, args: string[]) => Promise<void>> = {
  'add-queue': async (store, io, args) => {
    const values = parse(io, args);
    if (!values.name || values.agents === undefined) io.fail('add-queue needs --name and --agents');
    const routing = routingOption(io, values.routing) ?? 'everybody';
    const queue = await wrap(io, () => addQueue(store, values.name!, routing, emailList(values.agents!), Date.now()));
    io.out(`Added queue ${await describe(store, queue.id)}`);
  },
  'set-queue': async (store, io, args) => {
    const values = parse(io, args);
    const name = values.name ?? io.fail('set-queue needs --name');
    const queue = (await store.acd.findQueueByName(name.trim())) ?? io.fail(`There is no queue named ${name}`);
    const routing = routingOption(io, values.routing);
    if (values.agents === undefined && routing === undefined && values.rename === undefined) {
      io.fail('Nothing to change: give --agents, --routing or --rename');
    }
    await wrap(io, () =>
      store.transaction(async (tx) => {
        if (values.agents !== undefined) {
          const agents = await agentsByEmail(tx, emailList(values.agents));
          await tx.acd.setQueueAgents(
            queue.id,
            agents.map((r) => r.id),
          );
        }
        const rename = values.rename === undefined ? undefined : queueName(values.rename);
        if (rename !== undefined && (await tx.acd.findQueueByName(rename)) && rename.toLowerCase() !== queue.name.toLowerCase()) {
          throw new Error(`A queue named ${rename} exists already`);
        }
        await tx.acd.updateQueue(queue.id, { ...(routing ? { routing } : {}), ...(rename ? { name: rename } : {}) });
        await tx.audit({ at: Date.now(), actor: 'cli', action: 'queue-update', sessionId: null, detail: { queueId: queue.id } });
      }),
    );
    io.out(`Updated queue ${await describe(store, queue.id)}`);
  },
  'list-queues': async (store, io) => {
    const queues = await store.acd.listQueues();
    if (queues.length === 0) io.out('No queues yet. Add one with add-queue --name Q --agents E1,E2');
    for (const q of queues) io.out(await describe(store, q.id));
  },
  'remove-queue': async (store, io, args) => {
    const values = parse(io, args);
    const name = values.name ?? io.fail('remove-queue needs --name');
    const queue = (await store.acd.findQueueByName(name.trim())) ?? io.fail(`There is no queue named ${name}`);
    await store.transaction(async (tx) => {
      await tx.acd.deleteQueue(queue.id);
      await tx.audit({ at: Date.now(), actor: 'cli', action: 'queue-remove', sessionId: null, detail: { queueId: queue.id } });
    });
    io.out(`Removed queue ${queue.name}`);
  },
};

async function wrap<T>(io: QueueCommandIo, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    return io.fail((error as Error).message);
  }
}
