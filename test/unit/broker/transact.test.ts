import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { BrokerContext } from '../../../broker/context';
import { EventBus } from '../../../broker/events/bus';
import { silentLogger } from '../../../broker/log';
import { openSqliteStore, type SqliteStore } from '../../../broker/store';
import { transact } from '../../../broker/transact';

let store: SqliteStore | undefined;
let dir: string | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a WebACD nudge made inside a transaction reaches the dispatcher after the commit, which it then sees', async () => {
  dir = mkdtempSync(join(tmpdir(), 'rs-transact-'));
  store = openSqliteStore(dir);
  const seen: string[] = [];
  const ctx = {
    store,
    bus: EventBus.on(store, Date.now, silentLogger),
    // The pass reads the store as the dispatcher does: outside the transaction (here or on another broker).
    acd: { offerMs: 1, queueWaitLimitMs: 1, changed: () => void store!.acd.agentState('r1').then((s) => seen.push(s.state)) },
  } as unknown as BrokerContext;
  await transact(ctx, async (t) => {
    await t.store.acd.setAgentState('r1', 'away', 1);
    t.acd.changed();
    expect(seen).toEqual([]);
  });
  await expect.poll(() => seen).toEqual(['away']);
});
