import type { BrokerContext } from './context';

/**
 * Runs fn in one store transaction with `t`, the context bound to it: `t.store` is the transaction's
 * store and `t.bus` appends into its outbox, so the events are published once it commits. Helpers that
 * take a context work the same inside (given `t`) and outside; inside `t`, a nested transact joins.
 */
export function transact<T>(ctx: BrokerContext, fn: (t: BrokerContext) => Promise<T>): Promise<T> {
  return ctx.store.transaction((tx) => fn(tx === ctx.store ? ctx : { ...ctx, store: tx, bus: ctx.bus.within(tx) }));
}
