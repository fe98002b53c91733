/**
 * Each cell as a cluster of its own: the resolved cluster restricted to the cell's blocks and the
 * tenants with quota in it, with its own name (`<cluster>-<cell>`, which prefixes its stacks and
 * names its Cluster API Cluster), kubeconfig context, API endpoint and pod, Service and rail
 * ranges. Constructs build a cell from this view exactly as they build an unsplit cluster. Pure.
 */
import { borrowablePools } from '../constructs/tenant';
import {
  blockSize,
  findOverlaps,
  formatCidr,
  Ipv4Cidr,
  networkOf,
  parseCidr,
  prefixFor,
  splitBits,
} from '../fabric/address-plan';
import { controlPlaneTuning } from './control-plane';
import { NODE_CIDR_MASK_SIZE } from './envelope';
import type { FabricIssue } from '../fabric/plan';
import { assignPartitions } from '../fabric/partitions';
import { Cluster, Tenant } from '../model/cluster';
import { DEFAULTS } from '../spec/defaults';
import { ClusterStorage, StorageShare } from '../storage/model';
import { Cell, CellPlan, poolSlice, splitQuota } from './plan';

/** Each cell's Service range: a /16, 65,536 Services, above the 10,000 threshold. */
export const SERVICE_SLOT_PREFIX = 16;

/** A cell and the cluster it is. */
export interface CellCluster {
  readonly cell: Cell;
  /** The cell as a cluster: `name` is `<cluster>-<cell>`. */
  readonly cluster: Cluster;
}

/** The cells of a split cluster as clusters, and what is wrong with their ranges and endpoints. */
export interface CellClusters {
  readonly cells: readonly CellCluster[];
  readonly issues: readonly FabricIssue[];
}

/** The kubeconfig context and file of the MultiKueue manager. */
export function managerKube(cluster: Cluster): { context: string; kubeconfig: string } {
  const m = cluster.cells?.manager;
  return {
    context: m?.context ?? cluster.kubernetes.context,
    kubeconfig: m?.kubeconfig ?? cluster.kubernetes.kubeconfig,
  };
}

/** The cells of `plan` as clusters. */
export function cellClusters(cluster: Cluster, plan: CellPlan): CellClusters {
  const issues: FabricIssue[] = [];
  const layout = cluster.cells?.layout ?? [];
  const n = plan.cells.length;
  // Derived ranges come in fixed slots sized for a full cell, so a pool that grows keeps every
  // existing cell's ranges (growing a pool listed before others moves theirs: pin those in the layout).
  const max = plan.maxNodesPerCell;
  const rails = Math.max(1, ...cluster.pools.map((p) => p.sku.rdmaNicsPerNode));
  const perNode = Math.max(
    1,
    cluster.fabric?.rdmaPodsPerNode ?? Math.max(...cluster.pools.map((p) => p.sku.gpusPerNode)),
  );
  const pod = slots(cluster.kubernetes.podCIDR, NODE_CIDR_MASK_SIZE - Math.ceil(Math.log2(max)), n);
  const service = slots(cluster.kubernetes.serviceCIDR, SERVICE_SLOT_PREFIX, n);
  const rail = slots(cluster.fabric?.railCIDR, prefixFor(max * perNode) - splitBits(rails), n);
  const missing = (key: string, text: string | undefined, list: (string | undefined)[], slot: number) => {
    const lacking = plan.cells.filter(
      (c, i) => list[i] === undefined && !layout[c.layoutIndex ?? -1]?.[key as 'podCIDR'],
    );
    if (text && lacking.length > 0) {
      issues.push({
        code: 'cell-ranges-exhausted',
        path: key === 'railCIDR' ? ['fabric', 'railCIDR'] : ['kubernetes', key],
        message: `${text} holds ${list.filter((x) => x !== undefined).length} cell ranges of /${slot} (sized for ${max} nodes), but there are ${n} cells (${lacking
          .map((c) => c.name)
          .slice(0, 3)
          .join(', ')}${lacking.length > 3 ? ', ...' : ''} get none)`,
        fix: `give ${key} a prefix of /${Math.max(0, slot - splitBits(n))} or shorter, or pin the cells' ${key} in spec.cells.layout`,
      });
    }
  };
  missing('podCIDR', cluster.kubernetes.podCIDR, pod, NODE_CIDR_MASK_SIZE - Math.ceil(Math.log2(max)));
  missing('serviceCIDR', cluster.kubernetes.serviceCIDR, service, SERVICE_SLOT_PREFIX);
  missing('railCIDR', cluster.fabric?.railCIDR, rail, prefixFor(max * perNode) - splitBits(rails));
  // Tenants keep the partition the whole site assigns them, whatever other tenants share a cell.
  const partitions = cluster.fabric
    ? assignPartitions(cluster.fabric.kind === 'infiniband' ? 'pkey' : 'vlan', cluster.tenants).partitions
    : new Map<string, number>();

  // Quota per tenant per cell, pool by pool: the cells' quotas add up to the spec's.
  const quota = new Map<string, Record<string, number>>();
  for (const pool of cluster.pools) {
    const poolCells = plan.cells.filter((c) => c.pool === pool.name);
    const taken = new Map<string, number>();
    for (const t of cluster.tenants) {
      const q = t.gpuQuota[pool.name];
      if (q === undefined) continue;
      splitQuota(q, poolCells, taken).forEach((gpus, i) => {
        const key = `${poolCells[i].name}/${t.name}`;
        if (gpus > 0) quota.set(key, { ...(quota.get(key) ?? {}), [pool.name]: gpus });
      });
    }
  }

  const cells = plan.cells.map((cell, i): CellCluster => {
    const pin = cell.layoutIndex === undefined ? undefined : layout[cell.layoutIndex];
    const pool = cluster.pools.find((p) => p.name === cell.pool)!;
    const holds = (t: Tenant) => quota.has(`${cell.name}/${t.name}`);
    // A tenant that may borrow is in every cell of a pool it may borrow on where a member of its cohort
    // holds quota, with none of its own: its ClusterQueue there borrows the cohort's idle GPUs, as on an
    // unsplit cluster (constructs/tenant.ts quotaOf lists such a pool with nominal 0).
    const borrows = (t: Tenant) =>
      borrowablePools({ ...t, gpuQuota: {} }, [pool]).length > 0 &&
      cluster.tenants.some((o) => o.cohort === t.cohort && holds(o));
    const tenants: Tenant[] = cluster.tenants
      .filter((t) => holds(t) || borrows(t))
      .map((t) => ({
        ...t,
        gpuQuota: quota.get(`${cell.name}/${t.name}`) ?? {},
        ...(partitions.has(t.name) ? { fabricPartition: partitions.get(t.name) } : {}),
      }));
    const endpoint = pin?.endpoint
      ? { host: pin.endpoint.host, port: pin.endpoint.port }
      : cluster.management && {
          host: `${cell.name}.${cluster.management.controlPlaneEndpoint.host}`,
          port: cluster.management.controlPlaneEndpoint.port,
        };
    if (!pin?.endpoint && cluster.management && /^[0-9.:]+$/.test(cluster.management.controlPlaneEndpoint.host)) {
      issues.push({
        code: 'cell-endpoint-required',
        path:
          cell.layoutIndex === undefined
            ? ['management', 'controlPlaneEndpoint', 'host']
            : ['cells', 'layout', cell.layoutIndex],
        message: `cell "${cell.name}" needs an API endpoint of its own, which cannot be derived from the address ${cluster.management.controlPlaneEndpoint.host}`,
        fix: `pin the cell in spec.cells.layout with endpoint: { host: ... }, or give management.controlPlaneEndpoint.host as a DNS name`,
      });
    }
    return {
      cell,
      cluster: {
        ...cluster,
        name: `${cluster.name}-${cell.name}`,
        kubernetes: {
          ...cluster.kubernetes,
          context: pin?.context ?? `${cluster.kubernetes.context}-${cell.name}`,
          kubeconfig: pin?.kubeconfig ?? cluster.kubernetes.kubeconfig,
          podCIDR: pin?.podCIDR ?? pod[i],
          serviceCIDR: pin?.serviceCIDR ?? service[i],
        },
        management: cluster.management && {
          ...cluster.management,
          // Every cell's Cluster API objects live beside the BareMetalHosts they select.
          namespace: cluster.management.namespace ?? cluster.name,
          controlPlaneEndpoint: endpoint!,
          controlPlaneReplicas: cluster.cells?.controlPlaneReplicas ?? DEFAULTS.cells.controlPlaneReplicas,
        },
        pools: [poolSlice(pool, cell)],
        tenants,
        storage: cellStorage(cluster.storage, cell, quota, plan.cells),
        // Tuned etcd and API server; an audit policy when an external tenant has capacity here.
        controlPlaneTuning: controlPlaneTuning(
          cell.name,
          tenants.filter((t) => t.external).flatMap((t) => t.namespaces),
        ),
        fabric: cluster.fabric && { ...cluster.fabric, railCIDR: pin?.railCIDR ?? rail[i] ?? cluster.fabric.railCIDR },
      },
    };
  });

  // Cells' ranges must not overlap one another (pinned ones may).
  for (const key of ['podCIDR', 'serviceCIDR'] as const) {
    const named = cells.flatMap((c) => {
      const text = c.cluster.kubernetes[key];
      const cidr = text ? parseCidr(text) : undefined;
      return cidr ? [{ name: `cell ${c.cell.name}`, cidr }] : [];
    });
    for (const [a, b] of findOverlaps(named)) {
      issues.push({
        code: 'cidr-overlap',
        path: ['cells', 'layout'],
        message: `the ${key} of ${b.name} (${formatCidr(b.cidr)}) overlaps that of ${a.name} (${formatCidr(a.cidr)})`,
        fix: `give each pinned cell a ${key} of its own outside kubernetes.${key}'s derived shares`,
      });
    }
  }
  return { cells, issues };
}

/** Each cell's slot of `text`: the i-th range of prefix `slotPrefix`, or undefined when `text` has too few. */
function slots(text: string | undefined, slotPrefix: number, n: number): (string | undefined)[] {
  const cidr = text ? parseCidr(text) : undefined;
  if (!cidr) return Array.from({ length: n }, () => undefined);
  const base: Ipv4Cidr = networkOf(cidr);
  const prefix = Math.min(32, Math.max(base.prefix, slotPrefix));
  const count = 2 ** (prefix - base.prefix);
  return Array.from({ length: n }, (_, i) =>
    i < count ? formatCidr({ base: base.base + i * blockSize(prefix), prefix }) : undefined,
  );
}

/**
 * A cell's storage: every filesystem (its StorageClass exists on every cell); each tenant's shares
 * split over its cells in proportion to its GPUs there, in whole TiB, with its volumes (and the
 * TiB they take, and what rounding leaves) in its home cell, the first cell where it has quota.
 * The cells' shares add up to the spec's.
 */
function cellStorage(
  storage: ClusterStorage,
  cell: Cell,
  quota: ReadonlyMap<string, Record<string, number>>,
  cells: readonly Cell[],
): ClusterStorage {
  const gpus = (c: Cell, tenant: string) =>
    Object.values(quota.get(`${c.name}/${tenant}`) ?? {}).reduce((a, b) => a + b, 0);
  const shares = storage.shares.flatMap((share): StorageShare[] => {
    const own = cells.filter((c) => gpus(c, share.tenant) > 0);
    if (!own.some((c) => c.name === cell.name)) return [];
    const total = own.reduce((a, c) => a + gpus(c, share.tenant), 0);
    const free = share.capacityTiB - share.volumes.reduce((a, v) => a + v.capacityTiB, 0);
    const portion = (c: Cell) => Math.floor((free * gpus(c, share.tenant)) / total);
    if (own[0].name !== cell.name) return [{ ...share, capacityTiB: portion(cell), volumes: [] }];
    const others = own.slice(1).reduce((a, c) => a + portion(c), 0);
    return [{ ...share, capacityTiB: share.capacityTiB - others }];
  });
  return { ...storage, shares };
}
