/**
 * fast-check generators of valid cluster specs: random pools (every catalog SKU, sized in nodes
 * or racks, MIG, dedicated), random tenants (several namespaces, groups holding Terraform
 * template sequences and non-ASCII text, quotas that fit their pools) and backends. Specs are
 * small so that hundreds of them synthesize in seconds.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { cpuArchitectureOf, GpuCatalog } from '../../catalog/gpus';

const CATALOG = GpuCatalog.builtIn();

/** Seed of every property run; override with FC_SEED to replay a failure. */
export const SEED = Number(process.env.FC_SEED ?? 20261128);

/** A spec document as plain data (what a YAML file parses to). */
export type SpecDoc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    kubernetes: { version: string; context: string; kubeconfig?: string; podCIDR?: string; serviceCIDR?: string };
    management?: Record<string, unknown>;
    storage?: Record<string, unknown>[];
    fabric?: Record<string, unknown>;
    backend?: { kind: 'local' | 'kubernetes'; path?: string; namespace?: string };
    site: { name: string; powerBudgetMW: number; maxRackKW: number };
    nodePools: Record<string, unknown>[];
    tenants: Record<string, unknown>[];
    allowOvercommit?: boolean;
  };
};

/** A DNS-1123 label of 1 to `max` characters. */
export const dnsLabel = (max = 12): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
      fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), maxLength: max - 2 }),
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    )
    .map(([a, mid, z]) => (mid.length === 0 && z === a ? a : `${a}${mid}${z}`))
    .filter(
      (s) =>
        s.length <= max &&
        !/^(default|kube-.*|openshift-.*|gpu-operator|kueue-system|nvidia-network-operator)$/.test(s) &&
        s !== 'constructor',
    );

/** An identity-provider group name: visible characters, sometimes Terraform template syntax. */
export const groupName: fc.Arbitrary<string> = fc
  .array(fc.constantFrom('team', 'a', 'Z', '0', ':', '/', '@', '.', '_', '-', '${', '%{', '}', 'é', '日本', '$', '%'), {
    minLength: 1,
    maxLength: 8,
  })
  .map((parts) => parts.join(''));

/** Free text as a driver parameter may hold: spaces, template syntax, non-ASCII. */
export const freeText: fc.Arbitrary<string> = fc
  .array(fc.constantFrom('x', ' ', '/', '=', '${a}', '%{b}', '$', '}', 'ü', '"', "'", '\\', '#', ':'), {
    maxLength: 8,
  })
  .map((parts) => parts.join(''));

/** Filesystems: kind, driver, parameters; every tenant may get a share of each. */
const filesystemShape = fc.record({
  kind: fc.constantFrom('parallel-filesystem', 'nfs', 'local-nvme'),
  csiDriver: fc.constantFrom('csi.vastdata.com', 'topolvm.io', 'nfs.csi.k8s.io'),
  parameters: fc.dictionary(fc.constantFrom('root_export', 'vip_pool_name', 'topolvm.io/device-class'), freeText, {
    maxKeys: 3,
  }),
  snapshots: fc.boolean(),
  shares: fc.array(fc.nat(3), { minLength: 4, maxLength: 4 }),
});

interface PoolShape {
  readonly name: string;
  readonly gpu: string;
  readonly size: number;
  readonly nodesPerRack?: number;
  readonly racksPerBlock?: number;
  readonly mig?: number;
  readonly driverVersion?: string;
  readonly dedicate?: number;
}

const poolShape = (name: string): fc.Arbitrary<PoolShape> =>
  fc.record(
    {
      name: fc.constant(name),
      gpu: fc.constantFrom(...CATALOG.names()),
      size: fc.integer({ min: 1, max: 12 }),
      nodesPerRack: fc.integer({ min: 1, max: 8 }),
      racksPerBlock: fc.integer({ min: 1, max: 8 }),
      mig: fc.nat(6),
      driverVersion: fc.constantFrom('570.172.08', '580.95.05', '575.57'),
      dedicate: fc.nat(7),
    },
    { requiredKeys: ['name', 'gpu', 'size'] },
  );

/** Quota weights of one tenant: per pool, 0 (none) to 4. */
const tenantShape = fc.record(
  {
    name: dnsLabel(),
    external: fc.boolean(),
    groups: fc.uniqueArray(groupName, { minLength: 1, maxLength: 3 }),
    namespaceCount: fc.integer({ min: 0, max: 3 }),
    weights: fc.array(fc.nat(4), { minLength: 4, maxLength: 4 }),
    priority: fc.constantFrom('low', 'normal', 'high', 'critical'),
    canBorrow: fc.boolean(),
    cohort: dnsLabel(),
    podSecurity: fc.constantFrom('restricted', 'baseline', 'privileged'),
    objectQuota: fc.record(
      { pods: fc.integer({ min: 1, max: 50000 }), secrets: fc.integer({ min: 1, max: 5000 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['name', 'groups', 'namespaceCount', 'weights'] },
);

/** A valid spec document. */
export const specDoc: fc.Arbitrary<SpecDoc> = fc
  .record({
    cluster: dnsLabel(20),
    context: fc.stringMatching(/^[A-Za-z0-9_.:@/-]{1,20}$/),
    poolNames: fc.uniqueArray(dnsLabel(10), { minLength: 1, maxLength: 3 }),
    tenants: fc.uniqueArray(tenantShape, { minLength: 1, maxLength: 4, selector: (t) => t.name }),
    backend: fc.option(
      fc.oneof(
        fc.record({ kind: fc.constant('local' as const), path: fc.constantFrom('state', 'tf/state', '.state') }),
        fc.record({ kind: fc.constant('kubernetes' as const), namespace: dnsLabel() }),
      ),
      { nil: undefined },
    ),
    allowOvercommit: fc.option(fc.boolean(), { nil: undefined }),
    filesystems: fc.array(filesystemShape, { maxLength: 2 }),
    fabric: fc.option(fc.constantFrom('spectrum-x' as const, 'infiniband' as const), { nil: undefined }),
    management: fc.option(
      fc.record({ context: fc.stringMatching(/^[A-Za-z0-9_.:@/-]{1,20}$/), imagePath: groupName }),
      { nil: undefined },
    ),
  })
  .chain((base) => fc.tuple(fc.constant(base), fc.tuple(...base.poolNames.map(poolShape)) as fc.Arbitrary<PoolShape[]>))
  .map(([base, pools]) => assemble(base, pools))
  .filter(namespacesAreUnique);

type TenantShape = typeof tenantShape extends fc.Arbitrary<infer T> ? T : never;
type FilesystemShape = typeof filesystemShape extends fc.Arbitrary<infer T> ? T : never;

/** Each filesystem offers 1000 TiB; a tenant's share is a quarter of it per weight point over all tenants. */
const FILESYSTEM_TIB = 1000;

function assemble(
  base: {
    cluster: string;
    context: string;
    tenants: TenantShape[];
    backend?: { kind: 'local'; path: string } | { kind: 'kubernetes'; namespace: string };
    allowOvercommit?: boolean;
    filesystems: FilesystemShape[];
    fabric?: 'spectrum-x' | 'infiniband';
    management?: { context: string; imagePath: string };
  },
  shapes: PoolShape[],
): SpecDoc {
  const nodePools = shapes.map((p) => {
    const sku = CATALOG.get(p.gpu);
    const migs = Object.keys(sku.migProfiles);
    const dedicatedTo =
      p.dedicate !== undefined && p.dedicate < base.tenants.length ? base.tenants[p.dedicate].name : undefined;
    return {
      name: p.name,
      gpu: p.gpu,
      ...(sku.rackScale ? { racks: p.size } : { nodes: p.size }),
      ...(sku.rackScale || p.nodesPerRack === undefined ? {} : { nodesPerRack: p.nodesPerRack }),
      ...(p.racksPerBlock === undefined ? {} : { racksPerBlock: p.racksPerBlock }),
      ...(p.mig !== undefined && p.mig < migs.length ? { migProfile: migs[p.mig] } : {}),
      ...(p.driverVersion === undefined ? {} : { driverVersion: p.driverVersion }),
      ...(dedicatedTo ? { dedicatedTo } : {}),
      gpus: (sku.rackScale ? p.size * sku.defaultNodesPerRack : p.size) * sku.gpusPerNode,
    };
  });
  // Quota: each tenant's weight of each pool's GPUs, never above the pool; a dedicated pool only to its tenant.
  const tenants = base.tenants.map((t, ti) => {
    const gpuQuota: Record<string, number> = {};
    nodePools.forEach((pool, pi) => {
      if (pool.dedicatedTo !== undefined && pool.dedicatedTo !== t.name) return;
      const totalWeight = base.tenants.reduce((n, u) => n + (u.weights[pi] ?? 0), 0);
      const w = t.weights[pi] ?? 0;
      if (w === 0 && ti % 2 === 0) return;
      const share = totalWeight === 0 ? 0 : Math.floor((pool.gpus * w) / totalWeight);
      gpuQuota[pool.name] = base.allowOvercommit ? share * 2 : share;
    });
    const storage = base.filesystems.flatMap((f, fi) => {
      const weight = f.shares[ti] ?? 0;
      if (weight === 0) return [];
      const capacityTiB = Math.floor((FILESYSTEM_TIB * weight) / 4 / base.tenants.length) || 1;
      const volumes =
        f.kind === 'local-nvme'
          ? []
          : [
              { name: `fs${fi}-datasets`, purpose: 'datasets', capacityTiB: Math.floor(capacityTiB / 2) || 1 },
              ...(capacityTiB >= 4 ? [{ name: `fs${fi}-checkpoints`, purpose: 'checkpoints', capacityTiB: 1 }] : []),
            ].slice(0, capacityTiB >= 2 ? 2 : 1);
      return [{ filesystem: `fs${fi}`, capacityTiB, ...(volumes.length && capacityTiB >= 2 ? { volumes } : {}) }];
    });
    return {
      name: t.name,
      ...(storage.length ? { storage } : {}),
      ...(t.external === undefined ? {} : { external: t.external }),
      // Prefixed with the tenant: a group bound by two tenants is refused (shared-group).
      groups: t.groups.map((g) => `${t.name}:${g}`),
      ...(t.namespaceCount === 0
        ? {}
        : { namespaces: Array.from({ length: t.namespaceCount }, (_, i) => `${t.name}-ns${i}`) }),
      gpuQuota,
      ...(t.priority === undefined ? {} : { priority: t.priority }),
      ...(t.canBorrow === undefined ? {} : { canBorrow: t.canBorrow }),
      ...(t.cohort === undefined ? {} : { cohort: t.cohort }),
      ...(t.podSecurity === undefined ? {} : { podSecurity: t.podSecurity }),
      ...(t.objectQuota === undefined ? {} : { objectQuota: t.objectQuota }),
    };
  });
  return {
    apiVersion: 'colossus.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name: base.cluster },
    spec: {
      kubernetes: {
        version: '1.33',
        context: base.context,
        ...(base.fabric ? { podCIDR: '10.0.0.0/9', serviceCIDR: '10.192.0.0/16' } : {}),
      },
      ...(base.backend ? { backend: base.backend } : {}),
      ...(base.management
        ? {
            management: {
              context: base.management.context,
              kubernetesVersion: 'v1.33.4',
              controlPlaneEndpoint: { host: 'api.cluster.internal' },
              image: {
                url: `https://images.internal/${base.management.imagePath}`,
                checksum: `https://images.internal/${base.management.imagePath}.sha256`,
              },
            },
          }
        : {}),
      ...(base.filesystems.length
        ? {
            storage: base.filesystems.map((f, i) => ({
              name: `fs${i}`,
              kind: f.kind,
              csiDriver: f.csiDriver,
              parameters: f.parameters,
              capacityTiB: FILESYSTEM_TIB,
              throughputGBps: 1_000_000,
              ...(f.kind === 'local-nvme' ? {} : { snapshots: f.snapshots }),
            })),
          }
        : {}),
      ...(base.fabric
        ? {
            fabric: {
              kind: base.fabric,
              linkGbps: 400,
              switch: { model: base.fabric === 'infiniband' ? 'QM9700' : 'SN5600', ports: 128, portGbps: 400 },
              railCIDR: '100.64.0.0/10',
              // The image's names for the rail NICs (without them each pool would list its PCI addresses).
              railInterfaces: [0, 1, 2, 3, 4, 5, 6, 7].map((r) => `ens${r}np0`),
            },
          }
        : {}),
      site: { name: 'site', powerBudgetMW: 100_000, maxRackKW: 10_000 },
      nodePools: nodePools.map(({ gpus: _gpus, ...pool }) =>
        // An arm64 system (NVL72 Grace trays) boots an arm64 image of its own.
        base.management && cpuArchitectureOf(CATALOG.get(pool.gpu)) === 'arm64'
          ? {
              ...pool,
              image: {
                url: `https://images.internal/arm64-${base.management.imagePath}`,
                checksum: `https://images.internal/arm64-${base.management.imagePath}.sha256`,
                architecture: 'arm64',
              },
            }
          : pool,
      ),
      tenants,
      ...(base.allowOvercommit === undefined ? {} : { allowOvercommit: base.allowOvercommit }),
    },
  };
}

/** Namespaces of `tenant` as the toolkit resolves them. */
export function namespacesOf(tenant: Record<string, unknown>): string[] {
  return (tenant.namespaces as string[] | undefined) ?? [tenant.name as string];
}

/** No namespace is claimed twice, nor is the state namespace a tenant's. */
function namespacesAreUnique(doc: SpecDoc): boolean {
  const all = doc.spec.tenants.flatMap(namespacesOf);
  if (doc.spec.backend?.kind === 'kubernetes') all.push(doc.spec.backend.namespace ?? 'terraform-state');
  return new Set(all).size === all.length;
}

/** The spec as YAML text. */
export function toYamlText(doc: SpecDoc): string {
  return stringify(doc, { lineWidth: 0 });
}
