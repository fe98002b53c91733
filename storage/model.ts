/**
 * The resolved storage of a cluster: filesystems, tenant shares and volumes with their defaults
 * applied. Pure data, no cdktf: constructs, checks and reports read it.
 */
import {
  CheckpointSpec,
  ClusterSpec,
  FilesystemKind,
  TenantSpec,
  TenantStorageSpec,
  VolumePurpose,
} from '../spec/types';
import { quantity } from '../model/quantity';
import { formatNumber } from '../model/values';
import { DEFAULTS } from '../spec/defaults';
import { tenantNamespaces } from '../spec/derived-defaults';

/** Label naming the filesystem of a StorageClass, VolumeSnapshotClass or PersistentVolumeClaim. */
export const FILESYSTEM_LABEL = 'colossus.dev/filesystem';
/** Label naming the purpose of a tenant volume. */
export const PURPOSE_LABEL = 'colossus.dev/volume-purpose';

/** A filesystem with its defaults applied. */
export interface Filesystem {
  /** Name of the filesystem and of its StorageClass. */
  readonly name: string;
  /** What the filesystem is. */
  readonly kind: FilesystemKind;
  /** CSI driver provisioning its volumes. */
  readonly csiDriver: string;
  /** Driver parameters of the StorageClass. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Usable capacity, TiB. */
  readonly capacityTiB: number;
  /** Aggregate write throughput, GB/s. */
  readonly throughputGBps: number;
  /** The driver takes CSI snapshots. */
  readonly snapshots: boolean;
  /** Empty: the driver's defaults. */
  readonly mountOptions: readonly string[];
}

/** A tenant volume: one PersistentVolumeClaim. */
export interface Volume {
  /** Tenant owning the volume. */
  readonly tenant: string;
  /** Filesystem the volume is on. */
  readonly filesystem: string;
  /** Namespace of the claim. */
  readonly namespace: string;
  /** Name of the PersistentVolumeClaim. */
  readonly name: string;
  /** What the volume holds. */
  readonly purpose: VolumePurpose;
  /** Size, TiB. */
  readonly capacityTiB: number;
  /** Terraform refuses to destroy it, GitOps never prunes it, and removing it from the spec keeps it. */
  readonly protected: boolean;
}

/** A tenant's share of one filesystem in one namespace. */
export interface StorageShare {
  /** Tenant owning the share. */
  readonly tenant: string;
  /** Filesystem of the share. */
  readonly filesystem: string;
  /** Namespace whose quota the share is. */
  readonly namespace: string;
  /** The share, TiB. */
  readonly capacityTiB: number;
  /** Volumes created on the share. */
  readonly volumes: readonly Volume[];
}

/** The cluster's storage. */
export interface ClusterStorage {
  /** Filesystems, in spec order. */
  readonly filesystems: readonly Filesystem[];
  /** Every tenant's shares, in spec order. */
  readonly shares: readonly StorageShare[];
  /** The checkpoint model, defaults applied. */
  readonly checkpoint: Required<CheckpointSpec>;
}

/** Resolves the storage parts of a spec whose checks passed. */
export function resolveStorage(spec: Pick<ClusterSpec, 'storage' | 'checkpoint' | 'tenants'>): ClusterStorage {
  return {
    filesystems: (spec.storage ?? []).map((f) => ({
      name: f.name,
      kind: f.kind,
      csiDriver: f.csiDriver,
      parameters: { ...(f.parameters ?? {}) },
      capacityTiB: f.capacityTiB,
      throughputGBps: f.throughputGBps,
      snapshots: f.snapshots ?? DEFAULTS.filesystem.snapshots,
      mountOptions: [...(f.mountOptions ?? [])],
    })),
    shares: spec.tenants.flatMap(resolveShares),
    checkpoint: {
      stateGBPerGpu: spec.checkpoint?.stateGBPerGpu ?? DEFAULTS.checkpoint.stateGBPerGpu,
      targetSeconds: spec.checkpoint?.targetSeconds ?? DEFAULTS.checkpoint.targetSeconds,
      enforce: spec.checkpoint?.enforce ?? DEFAULTS.checkpoint.enforce,
    },
  };
}

/** A tenant's shares; a share without a namespace belongs to the tenant's first namespace. */
export function resolveShares(tenant: Pick<TenantSpec, 'name' | 'namespaces' | 'storage'>): StorageShare[] {
  const firstNamespace = tenantNamespaces(tenant)[0];
  return (tenant.storage ?? []).map((s) => {
    const namespace = s.namespace ?? firstNamespace;
    return {
      tenant: tenant.name,
      filesystem: s.filesystem,
      namespace,
      capacityTiB: s.capacityTiB,
      volumes: (s.volumes ?? []).map((v) => ({
        tenant: tenant.name,
        filesystem: s.filesystem,
        namespace,
        name: v.name,
        purpose: v.purpose,
        capacityTiB: v.capacityTiB,
        protected: !(v.allowDataDeletion ?? DEFAULTS.tenantVolume.allowDataDeletion),
      })),
    };
  });
}

/** A tenant's resolved shares written back in spec form (the props of a TenantStorage construct). */
export function shareSpecs(storage: Pick<ClusterStorage, 'shares'>, tenant: string): TenantStorageSpec[] {
  return storage.shares
    .filter((s) => s.tenant === tenant)
    .map((s) => ({
      filesystem: s.filesystem,
      namespace: s.namespace,
      capacityTiB: s.capacityTiB,
      volumes: s.volumes.map((v) => ({
        name: v.name,
        purpose: v.purpose,
        capacityTiB: v.capacityTiB,
        allowDataDeletion: !v.protected,
      })),
    }));
}

/** Every volume of the cluster (or of one tenant). */
export function volumesOf(storage: Pick<ClusterStorage, 'shares'>, tenant?: string): Volume[] {
  return storage.shares.filter((s) => tenant === undefined || s.tenant === tenant).flatMap((s) => s.volumes);
}

/** Sum of `capacityTiB` over `items`. */
export function sumTiB(items: readonly { readonly capacityTiB: number }[]): number {
  return items.reduce((sum, i) => sum + i.capacityTiB, 0);
}

/** A Kubernetes quantity of `tib` TiB in canonical form: `20000Ti`, `512Gi` for 0.5, `1Pi` for 1024. */
export function tibQuantity(tib: number): string {
  // A fraction of a TiB is written in whole GiB so the quantity stays exact.
  return Number.isInteger(tib) ? quantity(tib, 'Ti') : quantity(Math.round(tib * 1024), 'Gi');
}

/** `1,000,000 TiB`. */
export function tib(value: number): string {
  return `${formatNumber(value)} TiB`;
}
