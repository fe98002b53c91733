/**
 * Storage emission: StorageClasses and VolumeSnapshotClasses in the platform stack, storage quotas
 * and protected PersistentVolumeClaims in the tenant stacks, and the summary's storage section.
 */
import { formatSummary } from '../../reports/summary';
import { describeWithCrds, validateCustomResource } from '../support/crd-validator';
import { validateCoreObjects } from '../support/core-validator';
import { findObjects, getObject } from '../support/objects';
import { storageSpec, STORAGE_SPEC } from '../support/storage-spec';
import { synthToTemp } from '../support/synth';

const KEEP = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
  'helm.sh/resource-policy': 'keep',
};

const out = synthToTemp(STORAGE_SPEC);
const find = (stack: string, kind: string, name: string, namespace: string | null = null) =>
  getObject(out.yamlObjects(stack), { kind, name, namespace });
/** `lifecycle` of each kubernetes_manifest of a stack. */
const lifecycles = (stack: string): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(out.cdktf(stack).resource?.kubernetes_manifest ?? {}).map(([a, r]) => [a, r.lifecycle]),
  );

describe('filesystems', () => {
  it('are StorageClasses: shared data retained, expansion allowed, parameters passed', () => {
    expect(out).toHaveObject(
      'st-platform',
      { kind: 'StorageClass', name: 'fast' },
      {
        provisioner: 'csi.vastdata.com',
        parameters: { vip_pool_name: 'data' },
        reclaimPolicy: 'Retain',
        allowVolumeExpansion: true,
        volumeBindingMode: 'Immediate',
      },
    );
  });

  it('bind local NVMe scratch on the consuming node and delete it with its claim', () => {
    const scratch = find('st-platform', 'StorageClass', 'scratch');
    expect(scratch).toMatchObject({
      provisioner: 'topolvm.io',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    expect(scratch.parameters).toBeUndefined();
    expect(scratch.mountOptions).toBeUndefined();
  });

  it('pass mount options to the StorageClass', () => {
    const nfs = synthToTemp(storageSpec((s) => (s.storage[0].mountOptions = ['nconnect=16', 'vers=4.1'])));
    expect(nfs).toHaveObject(
      'st-platform',
      { kind: 'StorageClass', name: 'fast' },
      { mountOptions: ['nconnect=16', 'vers=4.1'] },
    );
  });

  it('get a VolumeSnapshotClass that retains snapshots only when the driver takes them', () => {
    expect(findObjects(out.yamlObjects('st-platform'), { kind: 'VolumeSnapshotClass' })).toEqual([
      expect.objectContaining({
        apiVersion: 'snapshot.storage.k8s.io/v1',
        metadata: expect.objectContaining({ name: 'fast' }),
        driver: 'csi.vastdata.com',
        deletionPolicy: 'Retain',
      }),
    ]);
  });
});

describe('tenant storage', () => {
  it("puts volumes in the tenant's first namespace with access modes fitting their purpose", () => {
    const datasets = find('st-tenant-team-a', 'PersistentVolumeClaim', 'datasets', 'a-train');
    expect(datasets.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      storageClassName: 'fast',
      volumeMode: 'Filesystem',
      resources: { requests: { storage: '20Ti' } },
    });
    expect(datasets.metadata.labels).toMatchObject({
      'colossus.dev/tenant': 'team-a',
      'colossus.dev/filesystem': 'fast',
      'colossus.dev/volume-purpose': 'datasets',
    });
    expect(find('st-tenant-team-a', 'PersistentVolumeClaim', 'checkpoints', 'a-train').spec).toMatchObject({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '30Ti' } },
    });
  });

  it('caps each namespace per StorageClass: its share, or 0 where it has none', () => {
    const hard = (ns: string) =>
      (find('st-tenant-team-a', 'ResourceQuota', 'tenant-storage', ns).spec as { hard: Record<string, string> }).hard;
    expect(hard('a-train')).toEqual({
      'fast.storageclass.storage.k8s.io/requests.storage': '60Ti',
      'scratch.storageclass.storage.k8s.io/requests.storage': '0',
    });
    expect(hard('a-serve')).toEqual({
      'fast.storageclass.storage.k8s.io/requests.storage': '0',
      'scratch.storageclass.storage.k8s.io/requests.storage': '10Ti',
    });
  });

  it('are protected in Terraform: prevent_destroy on the claims and the namespace holding them, nothing else', () => {
    const protectedAddresses = Object.entries(lifecycles('st-tenant-team-a'))
      .filter(([, l]) => (l as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true)
      .map(([a]) => a)
      .sort();
    expect(protectedAddresses).toEqual([
      'namespace_a_train',
      'persistentvolumeclaim_a_train_checkpoints',
      'persistentvolumeclaim_a_train_datasets',
    ]);
  });

  it('are protected in YAML: Argo CD, Flux and Helm never prune or delete the claims and their namespace', () => {
    expect(find('st-tenant-team-a', 'PersistentVolumeClaim', 'datasets', 'a-train').metadata.annotations).toEqual(KEEP);
    // The namespace also carries what the tenant guard policies read (admission/policies.ts).
    expect(find('st-tenant-team-a', 'Namespace', 'a-train').metadata.annotations).toMatchObject(KEEP);
    const unprotected = find('st-tenant-team-a', 'Namespace', 'a-serve').metadata.annotations ?? {};
    expect(Object.keys(unprotected).filter((k) => Object.keys(KEEP).includes(k))).toEqual([]);
  });

  it('lift every protection from a volume marked allowDataDeletion, and from a namespace left without protected data', () => {
    const open = synthToTemp(storageSpec((s) => (s.tenants[1].storage[0].volumes[0].allowDataDeletion = true)));
    const pvc = getObject(open.yamlObjects('st-tenant-team-b'), { kind: 'PersistentVolumeClaim' });
    expect(pvc.metadata.annotations).toBeUndefined();
    const manifests = open.cdktf('st-tenant-team-b').resource!.kubernetes_manifest;
    // No prevent_destroy; only the replace trigger of its immutable fields (model/lifecycle.ts) remains.
    expect(manifests.persistentvolumeclaim_team_b_checkpoints.lifecycle).toEqual({
      replace_triggered_by: ['terraform_data.persistentvolumeclaim_team_b_checkpoints_immutable'],
    });
    expect(manifests.namespace_team_b.lifecycle).toBeUndefined();
    expect(formatSummary(open.summary)).toContain(
      'allowDataDeletion: team-b/team-b/checkpoints may be destroyed (no prevent_destroy, no prune guard)',
    );
  });

  it('validate against the Kubernetes OpenAPI types with unknown fields rejected', () => {
    const storageKinds = ['StorageClass', 'PersistentVolumeClaim', 'ResourceQuota', 'Namespace'];
    const objects = out.stacks.flatMap((s) => out.yamlObjects(s)).filter((o) => storageKinds.includes(o.kind));
    expect(findObjects(objects, { kind: 'PersistentVolumeClaim' })).toHaveLength(3);
    // Errors of no object ("?: ...") come from the project's other sources compiled alongside, not from these objects.
    expect(validateCoreObjects(objects).filter((e) => !e.startsWith('?:'))).toEqual([]);
  });
});

describeWithCrds('the VolumeSnapshotClass', () => {
  it('uses the storage version and exactly the fields of the external-snapshotter CRD', () => {
    const classes = findObjects(out.yamlObjects('st-platform'), { kind: 'VolumeSnapshotClass' });
    expect(classes).toHaveLength(1);
    expect(classes.flatMap(validateCustomResource)).toEqual([]);
  });
});

describe('the summary', () => {
  it('reports capacity, claims, throughput and checkpoint demand per filesystem, and claims per tenant', () => {
    const storage = out.summary.storage!;
    expect(storage.filesystems).toEqual({
      fast: {
        kind: 'parallel-filesystem',
        capacityTiB: 100,
        claimedTiB: 100,
        throughputGBps: 10,
        checkpointDemandGBps: 1.1,
      },
      scratch: { kind: 'local-nvme', capacityTiB: 50, claimedTiB: 10, throughputGBps: 100, checkpointDemandGBps: 0 },
    });
    expect(storage.tenants['team-b'].claims).toEqual([
      {
        filesystem: 'fast',
        namespace: 'team-b',
        capacityTiB: 40,
        volumesTiB: 40,
        volumes: [{ name: 'checkpoints', purpose: 'checkpoints', capacityTiB: 40, protected: true }],
      },
    ]);
    expect(storage.warnings).toEqual([]);
  });

  it('records every protected object with its stack and Terraform address', () => {
    expect(out.summary.storage!.protected).toContainEqual({
      stack: 'st-tenant-team-b',
      tenant: 'team-b',
      kind: 'PersistentVolumeClaim',
      namespace: 'team-b',
      name: 'checkpoints',
      terraformAddress: 'kubernetes_manifest.persistentvolumeclaim_team_b_checkpoints',
    });
    expect(out.summary.storage!.protected).toHaveLength(5);
  });

  it('prints filesystems, shares and checkpoint warnings', () => {
    const slow = synthToTemp(storageSpec((s) => (s.checkpoint = { stateGBPerGpu: 80, targetSeconds: 60 })));
    const text = formatSummary(slow.summary);
    expect(text).toContain(
      'filesystem fast (parallel-filesystem): 100 TiB of 100 TiB claimed; checkpoints need 42.7 of 10 GB/s',
    );
    expect(text).toContain('tenant team-a storage: fast 60 TiB in a-train, scratch 10 TiB in a-serve');
    expect(text).toContain('warning: checkpoints on filesystem "fast" need 42.7 GB/s');
    expect(slow.summary.storage!.warnings).toHaveLength(1);
  });

  it('has no storage section for a cluster without storage', () => {
    const none = synthToTemp(
      storageSpec((s) => {
        delete s.storage;
        for (const t of s.tenants) delete t.storage;
      }),
    );
    expect(none.summary.storage).toBeUndefined();
    expect(none).not.toHaveObject('st-tenant-team-a', { kind: 'ResourceQuota', name: 'tenant-storage' });
  });
});
