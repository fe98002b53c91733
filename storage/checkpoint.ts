/**
 * The checkpoint bandwidth model. A tenant checkpointing all its GPUs at once writes
 * `GPUs x stateGBPerGpu` GB within `targetSeconds`, onto the filesystems holding its checkpoint
 * volumes (split in proportion to their sizes). A filesystem whose summed demand exceeds its
 * throughput makes checkpoints stall training for longer than the target.
 */
import { ClusterStorage, Volume, volumesOf } from './model';
import { formatNumber } from '../model/values';

/** Checkpoint demand on one filesystem. */
export interface CheckpointDemand {
  readonly filesystem: string;
  readonly throughputGBps: number;
  /** Sum over tenants, GB/s. */
  readonly demandGBps: number;
  /** Each tenant's part, GB/s; tenants without checkpoint volumes on the filesystem are absent. */
  readonly byTenant: Readonly<Record<string, number>>;
}

/** GB/s a tenant with `gpus` GPUs needs to write a checkpoint within the target. */
export function tenantCheckpointGBps(gpus: number, checkpoint: ClusterStorage['checkpoint']): number {
  return (gpus * checkpoint.stateGBPerGpu) / checkpoint.targetSeconds;
}

/** GPUs per tenant, all pools summed. */
export function tenantGpus(
  tenants: readonly { readonly name: string; readonly gpuQuota: Readonly<Record<string, number>> }[],
): Record<string, number> {
  return Object.fromEntries(tenants.map((t) => [t.name, Object.values(t.gpuQuota).reduce((n, g) => n + g, 0)]));
}

/** Demand per filesystem, in filesystem order. `tenantGpus` maps a tenant to its GPU quota (all pools). */
export function checkpointDemands(
  storage: ClusterStorage,
  tenantGpus: Readonly<Record<string, number>>,
): CheckpointDemand[] {
  const checkpointVolumes = volumesOf(storage).filter((v) => v.purpose === 'checkpoints');
  const byTenant = new Map<string, Volume[]>();
  for (const v of checkpointVolumes) byTenant.set(v.tenant, [...(byTenant.get(v.tenant) ?? []), v]);
  return storage.filesystems.map((fs) => {
    const parts: Record<string, number> = {};
    for (const [tenant, volumes] of byTenant) {
      const total = volumes.reduce((n, v) => n + v.capacityTiB, 0);
      const here = volumes.filter((v) => v.filesystem === fs.name).reduce((n, v) => n + v.capacityTiB, 0);
      if (here === 0) continue;
      parts[tenant] = (tenantCheckpointGBps(tenantGpus[tenant] ?? 0, storage.checkpoint) * here) / total;
    }
    const demandGBps = Object.values(parts).reduce((n, g) => n + g, 0);
    return { filesystem: fs.name, throughputGBps: fs.throughputGBps, demandGBps, byTenant: parts };
  });
}

/** Demands above their filesystem's throughput. */
export function overloaded(demands: readonly CheckpointDemand[]): CheckpointDemand[] {
  return demands.filter((d) => d.demandGBps > d.throughputGBps);
}

/** One line explaining an overloaded filesystem, with the model's numbers. */
export function describeOverload(d: CheckpointDemand, checkpoint: ClusterStorage['checkpoint']): string {
  const parts = Object.entries(d.byTenant)
    .map(([t, g]) => `${t}: ${gbps(g)}`)
    .join(', ');
  return (
    `checkpoints on filesystem "${d.filesystem}" need ${gbps(d.demandGBps)} GB/s (${parts}; ` +
    `GPUs x ${checkpoint.stateGBPerGpu} GB / ${checkpoint.targetSeconds} s), ` +
    `more than its ${gbps(d.throughputGBps)} GB/s throughput`
  );
}

/** GB/s rounded to one decimal, with thousands separators. */
export function gbps(value: number): string {
  return formatNumber(Math.round(value * 10) / 10);
}
