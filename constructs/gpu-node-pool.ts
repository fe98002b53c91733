/**
 * GpuNodePool: a pool of identical GPU systems, its node labels and taints, the Kueue
 * ResourceFlavor tenants are given quota on, and the NVIDIA driver its nodes run.
 */
import { Construct } from 'constructs';
import { GpuCatalog } from '../catalog/gpus';
import { waveNodes } from '../day2/waves';
import { DEFAULT_OPERATIONS, NodePool, resolvePool } from '../model/cluster';
import { build, LABELS, standardLabels } from '../model/kube';
import type { NVIDIADriver } from '../model/crds/gpu-operator';
import type { ResourceFlavor } from '../model/crds/kueue';
import { DEFAULTS } from '../spec/defaults';
import { NodePoolSpec, OperationsSpec } from '../spec/types';
import { sinkOf } from './object-sink';
import { assertValidProps, declarePool, NODE_POOL_SCHEMA } from './validation';

/** Props of a GpuNodePool: the spec's `nodePools[]` entry, plus the catalog to read the GPU from. */
export interface GpuNodePoolProps extends NodePoolSpec {
  /**
   * Catalog the `gpu` SKU is looked up in.
   * @default GpuCatalog.builtIn()
   */
  readonly catalog?: GpuCatalog;
  /**
   * Tenants may together be given more GPUs on this pool than it has (spec: `allowOvercommit`).
   * @default - the spec's default, `DEFAULTS.cluster.allowOvercommit` (spec/defaults.ts)
   */
  readonly allowOvercommit?: boolean;
  /**
   * Kueue Topology the pool's ResourceFlavor refers to, for topology-aware scheduling over the
   * block and rack labels (see constructs/fabric.ts).
   * @default - none
   */
  readonly topologyName?: string;
  /**
   * Day-2 times per node (spec: `operations`); the driver upgrade waits `drainMinutes` for a node's pods.
   * @default - the spec's defaults, `DEFAULTS.operations` (spec/defaults.ts)
   */
  readonly operations?: OperationsSpec;
  /**
   * Load GPUDirect RDMA (nvidia-peermem) with the pool's driver: the NVIDIADriver's `spec.rdma`, which
   * is what the GPU Operator reads once NVIDIADriver resources are used (gpu-operator v26.7.0
   * internal/state/driver.go: `cr.Spec.GPUDirectRDMA`; the chart's driver.rdma keys are ignored then).
   * @default false
   */
  readonly gpuDirectRdma?: boolean;
}

/** A node taint, as on `Node.spec.taints`. */
export interface NodeTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value. */
  readonly value: string;
  /** What the taint does to pods that do not tolerate it. */
  readonly effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
}

/** A pool of identical GPU systems. Create it inside a ColossusStack. */
export class GpuNodePool extends Construct {
  /** Sizes and settings of the pool, defaults applied. */
  public readonly pool: NodePool;
  /** Labels every node of the pool carries (block and rack labels come on top, per node). */
  public readonly nodeLabels: Readonly<Record<string, string>>;
  /** Taints every node of the pool carries: one when the pool is dedicated to a tenant. */
  public readonly taints: readonly NodeTaint[];
  /** Name of the pool's Kueue ResourceFlavor. */
  public readonly flavorName: string;

  public constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    assertValidProps(this, NODE_POOL_SCHEMA, props, 'node pool props');
    const pool = resolvePool(props, props.catalog ?? GpuCatalog.builtIn());
    declarePool(this, props, pool, props.allowOvercommit ?? DEFAULTS.cluster.allowOvercommit);
    this.pool = pool;
    this.flavorName = pool.name;
    this.nodeLabels = {
      [LABELS.pool]: pool.name,
      [LABELS.gpuProduct]: pool.sku.productLabel,
      ...(pool.migProfile ? { [LABELS.migConfig]: pool.migProfile } : {}),
    };
    this.taints = pool.dedicatedTo ? [{ key: LABELS.dedicated, value: pool.dedicatedTo, effect: 'NoSchedule' }] : [];
    const tolerations = this.taints.map((t) => ({ key: t.key, operator: 'Equal', value: t.value, effect: t.effect }));
    const labels = standardLabels({ [LABELS.pool]: pool.name });
    const sink = sinkOf(this);

    sink.addObject(
      build<ResourceFlavor>({
        apiVersion: 'kueue.x-k8s.io/v1beta2',
        kind: 'ResourceFlavor',
        metadata: { name: this.flavorName, labels },
        spec: {
          // The management-side pool label: a node cannot put itself into this flavor (LABELS.placementPool).
          nodeLabels: { [LABELS.placementPool]: pool.name },
          topologyName: props.topologyName,
          nodeTaints: this.taints.length ? this.taints.map((t) => ({ ...t })) : undefined,
          // Only the dedicated tenant's ClusterQueue references this flavor, so only its pods get the toleration.
          tolerations: tolerations.length ? tolerations : undefined,
        },
      }),
    );
    sink.addObject(
      build<NVIDIADriver>({
        apiVersion: 'nvidia.com/v1alpha1',
        kind: 'NVIDIADriver',
        metadata: { name: pool.name, labels },
        spec: {
          driverType: 'gpu',
          default: false,
          repository: 'nvcr.io/nvidia',
          image: 'driver',
          version: pool.driverVersion,
          // Hopper and newer run NVIDIA's open kernel modules; Blackwell requires them.
          kernelModuleType: 'open',
          // The NICs' driver comes from the Network Operator's DOCA driver container, not the host.
          rdma: props.gpuDirectRdma ? { enabled: true, useHostMofed: false } : undefined,
          nodeSelector: { [LABELS.pool]: pool.name },
          tolerations: tolerations.length ? tolerations : undefined,
          upgradePolicy: driverUpgradePolicy(pool, props.operations?.drainMinutes ?? DEFAULT_OPERATIONS.drainMinutes),
        },
      }),
    );
  }
}

/**
 * A driver change upgrades `blocksAtOnce` blocks' worth of nodes at a time. Without a policy the
 * GPU Operator upgrades one node at a time per NVIDIADriver (gpu-operator v26.7.0
 * api/nvidia/v1alpha1/nvidiadriver_types.go getDefaultUpgradePolicySpec: maxParallelUpgrades 1), and
 * 0 would mean every node at once; the controller applies each NVIDIADriver's own policy to the
 * nodes it owns (controllers/upgrade_controller.go reconcileNVIDIADriverUpgrades). Nodes are drained
 * (emptyDir scratch included: checkpoints live on shared storage) and nothing waits for jobs to end,
 * so a wave takes a drain and a driver reload, not the length of the longest job.
 */
function driverUpgradePolicy(pool: NodePool, drainMinutes: number) {
  const parallel = waveNodes(pool);
  const timeoutSeconds = Math.round(drainMinutes * 60);
  return {
    autoUpgrade: true,
    maxParallelUpgrades: parallel,
    maxUnavailable: parallel,
    drain: { enable: true, force: false, deleteEmptyDir: true, timeoutSeconds },
    podDeletion: { force: false, deleteEmptyDir: true, timeoutSeconds },
  };
}
