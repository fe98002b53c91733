/**
 * The `storage` section of reports/summary.json: capacity and checkpoint bandwidth per filesystem,
 * claims per tenant, the checkpoint model's warnings, and the protected and retained objects the
 * next synth reads back (see storage/retention.ts).
 */
import { gbps } from './checkpoint';
import { ClusterStorage, sumTiB, tib } from './model';
import { checkpointOverloads, StoragePlan } from './planner';
import { DataRecord } from './retention';

/** Figures of one filesystem. */
export interface FilesystemSummary {
  /** Filesystem kind. */
  readonly kind: string;
  /** Usable capacity, TiB. */
  readonly capacityTiB: number;
  /** Sum of the tenants' shares. */
  readonly claimedTiB: number;
  /** Aggregate write throughput, GB/s. */
  readonly throughputGBps: number;
  /** Checkpoint model demand, GB/s, rounded to 0.1. */
  readonly checkpointDemandGBps: number;
}

/** One share of a tenant. */
export interface ClaimSummary {
  /** Filesystem of the share. */
  readonly filesystem: string;
  /** Namespace of the share. */
  readonly namespace: string;
  /** The share, TiB. */
  readonly capacityTiB: number;
  /** Sum of the share's volumes. */
  readonly volumesTiB: number;
  /** The share's volumes. */
  readonly volumes: readonly {
    /** Name of the PersistentVolumeClaim. */
    readonly name: string;
    /** What the volume holds. */
    readonly purpose: string;
    /** Size, TiB. */
    readonly capacityTiB: number;
    /** Protected from deletion. */
    readonly protected: boolean;
  }[];
}

/** The storage section of the summary. */
export interface StorageSummary {
  /** Figures per filesystem. */
  readonly filesystems: Record<string, FilesystemSummary>;
  /** Shares per tenant; tenants without any are absent. */
  readonly tenants: Record<
    string,
    {
      /** The tenant's shares. */
      readonly claims: readonly ClaimSummary[];
    }
  >;
  /** The checkpoint model, defaults applied. */
  readonly checkpoint: ClusterStorage['checkpoint'];
  /** Checkpoint demand above throughput (errors instead when `checkpoint.enforce`). */
  readonly warnings: readonly string[];
  /** Objects emitted with data protection: read back by the next synth. */
  readonly protected: readonly DataRecord[];
  /** Objects protected by an earlier synth and no longer in the spec: kept, never destroyed. */
  readonly retained: readonly DataRecord[];
}

/** Builds the storage section from the storage plan (storage/planner.ts). */
export function buildStorageSummary(
  plan: StoragePlan,
  records: { readonly protected: readonly DataRecord[]; readonly retained: readonly DataRecord[] },
): StorageSummary {
  const { storage, demands } = plan;
  const tenantClaims: Record<string, { claims: ClaimSummary[] }> = {};
  for (const share of storage.shares) {
    (tenantClaims[share.tenant] ??= { claims: [] }).claims.push({
      filesystem: share.filesystem,
      namespace: share.namespace,
      capacityTiB: share.capacityTiB,
      volumesTiB: sumTiB(share.volumes),
      volumes: share.volumes.map((v) => ({
        name: v.name,
        purpose: v.purpose,
        capacityTiB: v.capacityTiB,
        protected: v.protected,
      })),
    });
  }
  return {
    filesystems: Object.fromEntries(
      storage.filesystems.map((fs, i) => [
        fs.name,
        {
          kind: fs.kind,
          capacityTiB: fs.capacityTiB,
          claimedTiB: sumTiB(storage.shares.filter((s) => s.filesystem === fs.name)),
          throughputGBps: fs.throughputGBps,
          checkpointDemandGBps: Math.round(demands[i].demandGBps * 10) / 10,
        },
      ]),
    ),
    tenants: tenantClaims,
    checkpoint: { ...storage.checkpoint },
    warnings: checkpointOverloads(plan),
    protected: [...records.protected],
    retained: [...records.retained],
  };
}

/** Terminal lines of the storage section; `stacks` are the stacks this synth wrote. */
export function formatStorageSummary(storage: StorageSummary, stacks: readonly string[]): string[] {
  const lines: string[] = [];
  for (const [name, fs] of Object.entries(storage.filesystems)) {
    lines.push(
      `  filesystem ${name} (${fs.kind}): ${tib(fs.claimedTiB)} of ${tib(fs.capacityTiB)} claimed; ` +
        `checkpoints need ${gbps(fs.checkpointDemandGBps)} of ${gbps(fs.throughputGBps)} GB/s`,
    );
  }
  for (const [tenant, t] of Object.entries(storage.tenants)) {
    const claims = t.claims.map((c) => `${c.filesystem} ${tib(c.capacityTiB)} in ${c.namespace}`).join(', ');
    lines.push(`  tenant ${tenant} storage: ${claims}`);
  }
  for (const warning of storage.warnings) lines.push(`  warning: ${warning}`);
  const unprotected = Object.entries(storage.tenants).flatMap(([tenant, t]) =>
    t.claims.flatMap((c) => c.volumes.filter((v) => !v.protected).map((v) => `${tenant}/${c.namespace}/${v.name}`)),
  );
  if (unprotected.length > 0) {
    lines.push(`  allowDataDeletion: ${unprotected.join(', ')} may be destroyed (no prevent_destroy, no prune guard)`);
  }
  lines.push(`  protected from deletion: ${storage.protected.length} objects (prevent_destroy, GitOps prune guards)`);
  for (const r of storage.retained) {
    const where = r.namespace && r.kind !== 'Namespace' ? `${r.namespace}/${r.name}` : r.name;
    const how = stacks.includes(r.stack)
      ? `a removed block makes Terraform forget ${r.terraformAddress} without destroying it`
      : `stack ${r.stack} is no longer synthesized, so nothing plans its destruction`;
    lines.push(`  kept: ${r.kind} ${where} (stack ${r.stack}) is no longer in the spec; ${how}`);
  }
  return lines;
}
