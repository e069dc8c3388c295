import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Catches a mistake the types cannot: inside `store.transaction(async (tx) => …)`, calling the store
 * itself rather than `tx`. On SQLite that call would wait for the transaction, which waits for it; on
 * PostgreSQL it would run on another connection, blind to the transaction's writes. It throws instead.
 */
const scope = new AsyncLocalStorage<{ database: object; open: boolean }>();

export async function withinTransaction<T>(database: object, fn: () => Promise<T>): Promise<T> {
  const state = { database, open: true };
  try {
    return await scope.run(state, fn);
  } finally {
    // Work started inside (a timer, a listener) may outlive the transaction; from then on it may use the store.
    state.open = false;
  }
}

export function assertOutsideTransaction(database: object): void {
  const state = scope.getStore();
  if (state?.open && state.database === database) {
    throw new Error('The store was used directly inside one of its transactions: use the transaction handle (tx)');
  }
}
