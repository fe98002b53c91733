/**
 * Filesystem: one storage system of the cluster as a StorageClass of the same name, and a
 * VolumeSnapshotClass when its CSI driver takes snapshots. Create it in the platform stack.
 */
import { Construct } from 'constructs';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { build, standardLabels } from '../model/kube';
import type { VolumeSnapshotClass } from '../model/crds/external-snapshotter';
import { FilesystemSpec } from '../spec/types';
import { Filesystem as FilesystemModel, FILESYSTEM_LABEL, resolveStorage } from '../storage/model';
import { sinkOf } from './object-sink';
import { FILESYSTEM_SCHEMA } from './storage-validation';
import { assertValidProps } from './validation';

/** Props of a Filesystem: the spec's `storage[]` entry. */
export type FilesystemProps = FilesystemSpec;

/** A filesystem offered to tenants through its StorageClass. */
export class Filesystem extends Construct {
  /** The filesystem, defaults applied. */
  public readonly filesystem: FilesystemModel;
  /** Name of its StorageClass (and VolumeSnapshotClass): the filesystem's name. */
  public readonly storageClassName: string;

  public constructor(scope: Construct, id: string, props: FilesystemProps) {
    super(scope, id);
    assertValidProps(this, FILESYSTEM_SCHEMA, props, 'filesystem props');
    const [fs] = resolveStorage({ storage: [props], tenants: [] }).filesystems;
    this.filesystem = fs;
    this.storageClassName = fs.name;
    const labels = standardLabels({ [FILESYSTEM_LABEL]: fs.name });
    const local = fs.kind === 'local-nvme';
    const sink = sinkOf(this);
    sink.addObject(
      build<StorageClass>({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: fs.name, labels },
        provisioner: fs.csiDriver,
        parameters: Object.keys(fs.parameters).length ? { ...fs.parameters } : undefined,
        mountOptions: fs.mountOptions.length ? [...fs.mountOptions] : undefined,
        // Shared data outlives its claim: a deleted PVC leaves its PV (and the data) Released, not erased.
        // Local scratch is per job and would only fill the node's disks if kept.
        reclaimPolicy: local ? 'Delete' : 'Retain',
        allowVolumeExpansion: true,
        // A local volume must be created on the node its pod is scheduled to.
        volumeBindingMode: local ? 'WaitForFirstConsumer' : 'Immediate',
      }),
    );
    if (fs.snapshots) {
      sink.addObject(
        build<VolumeSnapshotClass>({
          apiVersion: 'snapshot.storage.k8s.io/v1',
          kind: 'VolumeSnapshotClass',
          metadata: { name: fs.name, labels },
          driver: fs.csiDriver,
          // Deleting a VolumeSnapshot object keeps the snapshot on the storage system.
          deletionPolicy: 'Retain',
        }),
      );
    }
  }
}
