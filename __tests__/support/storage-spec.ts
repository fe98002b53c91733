/** A small cluster with storage for the storage tests, and helpers to vary it. */
import { parse, stringify } from 'yaml';

/** Two tenants on a parallel filesystem (with snapshots) and local NVMe scratch. */
export const STORAGE_SPEC = `apiVersion: colossus.dev/v1alpha1
kind: Cluster
metadata:
  name: st
spec:
  kubernetes: { version: '1.33', context: kind-st }
  site: { name: lab, powerBudgetMW: 1, maxRackKW: 100 }
  nodePools:
    - { name: h100, gpu: H100-SXM5-80GB, nodes: 4, nodesPerRack: 4, racksPerBlock: 1 }
  storage:
    - name: fast
      kind: parallel-filesystem
      csiDriver: csi.vastdata.com
      parameters: { vip_pool_name: data }
      capacityTiB: 100
      throughputGBps: 10
      snapshots: true
    - { name: scratch, kind: local-nvme, csiDriver: topolvm.io, capacityTiB: 50, throughputGBps: 100 }
  tenants:
    - name: team-a
      groups: ['lab:a']
      namespaces: [a-train, a-serve]
      gpuQuota: { h100: 16 }
      storage:
        - filesystem: fast
          capacityTiB: 60
          volumes:
            - { name: datasets, purpose: datasets, capacityTiB: 20 }
            - { name: checkpoints, purpose: checkpoints, capacityTiB: 30 }
        - { filesystem: scratch, namespace: a-serve, capacityTiB: 10 }
    - name: team-b
      groups: ['lab:b']
      gpuQuota: { h100: 16 }
      storage:
        - filesystem: fast
          capacityTiB: 40
          volumes:
            - { name: checkpoints, purpose: checkpoints, capacityTiB: 40 }
`;

/** A plain-data view of the spec, to change before `stringify`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SpecData = any;

/** `STORAGE_SPEC` changed by `change`, as YAML text. */
export function storageSpec(change: (spec: SpecData) => void = () => undefined): string {
  const doc = parse(STORAGE_SPEC) as SpecData;
  change(doc.spec);
  return stringify(doc);
}
