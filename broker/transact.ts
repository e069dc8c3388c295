import type { BrokerContext } from './context';

/**
 * Runs fn in one store transaction with `t`, the context bound to it: `t.store` is the transaction's
 * store and `t.bus` appends into its outbox, so the events are published once it commits. Helpers that
 * take a context work the same inside (given `t`) and outside; inside `t`, a nested transact joins.
 * A WebACD nudge (`t.acd.changed()`) waits for the commit too: the pass it starts, here or on the leading
 * broker, reads the store from another connection, which would not see the transaction's writes yet.
 */
export async function transact<T>(ctx: BrokerContext, fn: (t: BrokerContext) => Promise<T>): Promise<T> {
  let nudged = false;
  const acd = { ...ctx.acd, changed: () => void (nudged = true) };
  const result = await ctx.store.transaction((tx) =>
    fn(tx === ctx.store ? ctx : { ...ctx, store: tx, bus: ctx.bus.within(tx), acd }),
  );
  if (nudged) ctx.acd.changed();
  return result;
}
