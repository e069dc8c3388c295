/**
 * Duties that must run on one broker of a cluster at a time (WebACD passes, presence grace, wait
 * sweeps): whether this broker has them now (cluster/lease.ts), and how the others ask it to look at
 * WebACD again after a change only they saw.
 */
export interface ClusterDuty {
  leads(): boolean;
  /** Asks the leading broker for a WebACD pass. */
  askLeader(): void;
}

/** A broker alone does everything itself. */
export const ALONE: ClusterDuty = { leads: () => true, askLeader: () => undefined };
