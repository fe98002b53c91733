/**
 * The storage planner: the resolved storage (filesystems, the active tenants' shares and volumes) with
 * the checkpoint demand it puts on each filesystem (storage/checkpoint.ts), made once for the check,
 * the summary and `colossus validate`. Its rule refuses a filesystem that cannot take the
 * checkpoints in time when the spec enforces it (`checkpoint.enforce`); otherwise it is a warning.
 * What the declaration itself must hold (names, namespaces, shares within their filesystem, counting
 * the retained data of offboarded tenants) is checked on the spec (spec/check-storage.ts).
 */
import { Cluster } from '../model/cluster';
import { planner } from '../model/planner';
import { CheckpointDemand, checkpointDemands, describeOverload, overloaded, tenantGpus } from './checkpoint';
import { ClusterStorage } from './model';

/** The storage of a cluster with its checkpoint demand per filesystem. */
export interface StoragePlan {
  readonly storage: ClusterStorage;
  /** Checkpoint demand on each filesystem, in filesystem order. */
  readonly demands: readonly CheckpointDemand[];
}

/** The storage plan of `cluster`'s (or loose constructs') storage and tenants. */
export function planStorage(parts: Pick<Cluster, 'storage' | 'tenants'>): StoragePlan {
  return { storage: parts.storage, demands: checkpointDemands(parts.storage, tenantGpus(parts.tenants)) };
}

/** One line per filesystem whose checkpoint demand exceeds its throughput. */
export function checkpointOverloads(plan: StoragePlan): string[] {
  return overloaded(plan.demands).map((d) => describeOverload(d, plan.storage.checkpoint));
}

export const storagePlanner = planner<StoragePlan>(
  'storage',
  (cluster) => ({ plan: planStorage(cluster), issues: [] }),
  [
    {
      name: 'checkpoint-bandwidth',
      check: (plan) =>
        plan.storage.checkpoint.enforce
          ? overloaded(plan.demands).map((d) => ({
              code: 'checkpoint-bandwidth',
              // Filesystems are resolved in the order the spec declares them.
              path: ['storage', plan.storage.filesystems.findIndex((f) => f.name === d.filesystem), 'throughputGBps'],
              message: describeOverload(d, plan.storage.checkpoint),
              fix: 'raise throughputGBps, spread checkpoint volumes over more filesystems, raise checkpoint.targetSeconds, or set checkpoint.enforce: false to report it as a warning',
            }))
          : [],
    },
  ],
);
