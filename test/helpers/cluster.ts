import type { ClusterTiming } from '../../broker/cluster/cluster';

/** The cluster's clocks made short, so tests see snapshots, leases and expiries within a second or two. */
export const FAST_CLUSTER_TIMING: ClusterTiming = {
  mirror: { snapshotMs: 300, silentAfterMs: 1_500 },
  lease: { ttlMs: 1_500, renewMs: 300 },
  peers: { ttlMs: 3_000, renewMs: 1_000 },
};

/** Polls a condition the cluster makes true soon (a snapshot, a lease, a reconnect); never a fixed sleep. */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}
