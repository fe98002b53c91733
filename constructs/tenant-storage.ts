/**
 * TenantStorage: a tenant's shares of the cluster's filesystems. Each of its namespaces gets a
 * ResourceQuota per StorageClass (its share there, or 0), and each volume becomes a
 * PersistentVolumeClaim that Terraform refuses to destroy and GitOps tools never prune.
 * Create it in the tenant's stack, next to its Tenant.
 */
import { Construct } from 'constructs';
import type { PersistentVolumeClaim, ResourceQuota } from 'kubernetes-types/core/v1';
import { build, LABELS, standardLabels } from '../model/kube';
import { tenantNamespaces } from '../spec/derived-defaults';
import { FilesystemSpec, TenantSpec, VolumePurpose } from '../spec/types';
import { FILESYSTEM_LABEL, PURPOSE_LABEL, resolveShares, StorageShare, tibQuantity, Volume } from '../storage/model';
import { KEEP_ANNOTATIONS } from '../storage/protection';
import { sinkOf } from './object-sink';
import { declareTenantStorage, TENANT_STORAGE_SCHEMA } from './storage-validation';
import { assertValidProps } from './validation';

/** Props of a TenantStorage: the tenant's name, namespaces and `storage[]`, plus the cluster's filesystems. */
export interface TenantStorageProps extends Pick<TenantSpec, 'name' | 'namespaces' | 'storage'> {
  /**
   * Every filesystem of the cluster: a namespace gets a zero quota on those the tenant has no share of,
   * and the shares are checked against their capacity when the app synthesizes.
   */
  readonly filesystems: readonly FilesystemSpec[];
}

/** Name of the storage ResourceQuota in each tenant namespace. */
export const STORAGE_QUOTA = 'tenant-storage';

/**
 * Access modes per purpose. Both are shared by many pods: datasets are written by ingest jobs and
 * mounted `readOnly` by training; every rank writes its shard of a checkpoint.
 */
export const ACCESS_MODES: Readonly<Record<VolumePurpose, readonly string[]>> = {
  datasets: ['ReadWriteMany'],
  checkpoints: ['ReadWriteMany'],
};

/** The storage quotas and volumes of one tenant. */
export class TenantStorage extends Construct {
  /** The tenant's shares, defaults applied. */
  public readonly shares: readonly StorageShare[];
  /** The tenant's volumes; `protected` ones carry prevent_destroy and the GitOps keep annotations. */
  public readonly volumes: readonly Volume[];

  public constructor(scope: Construct, id: string, props: TenantStorageProps) {
    super(scope, id);
    assertValidProps(
      this,
      { type: 'object', properties: { storage: TENANT_STORAGE_SCHEMA } },
      props,
      'tenant storage props',
    );
    declareTenantStorage(this, props);
    this.shares = resolveShares(props);
    this.volumes = this.shares.flatMap((s) => s.volumes);
    const sink = sinkOf(this);
    const labels = standardLabels({ [LABELS.tenant]: props.name });
    if (props.filesystems.length > 0) {
      for (const namespace of tenantNamespaces(props)) {
        const hard = Object.fromEntries(
          props.filesystems.map((fs) => {
            const share = this.shares
              .filter((s) => s.filesystem === fs.name && s.namespace === namespace)
              .reduce((n, s) => n + s.capacityTiB, 0);
            return [`${fs.name}.storageclass.storage.k8s.io/requests.storage`, tibQuantity(share)];
          }),
        );
        sink.addObject(
          build<ResourceQuota>({
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            metadata: { name: STORAGE_QUOTA, namespace, labels },
            spec: { hard },
          }),
        );
      }
    }
    for (const volume of this.volumes) {
      sink.addObject(
        build<PersistentVolumeClaim>({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: volume.name,
            namespace: volume.namespace,
            labels: { ...labels, [FILESYSTEM_LABEL]: volume.filesystem, [PURPOSE_LABEL]: volume.purpose },
            annotations: volume.protected ? { ...KEEP_ANNOTATIONS } : undefined,
          },
          spec: {
            accessModes: [...ACCESS_MODES[volume.purpose]],
            storageClassName: volume.filesystem,
            volumeMode: 'Filesystem',
            resources: { requests: { storage: tibQuantity(volume.capacityTiB) } },
          },
        }),
        { protectData: volume.protected },
      );
    }
  }
}
