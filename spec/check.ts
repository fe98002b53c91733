/**
 * Semantic checks across pools and tenants: what the schema alone cannot say. They run on the
 * spec before any construct is built, and again (through `node.addValidation`) on constructs
 * composed in code, so both paths refuse the same clusters with the same codes.
 */
import { GpuCatalog } from '../catalog/gpus';
import { resolvePool } from '../model/cluster';
import { tenantNamespaces } from './derived-defaults';
import { reportDuplicateNames } from './duplicate-names';
import { SpecIssue, SpecPath, showValue } from './errors';
import { NodePoolSpec, TenantSpec } from './types';
import { nearest } from './validate-schema';

/** The parts of a spec the cross-construct checks read. */
export interface CheckInput {
  readonly nodePools: readonly NodePoolSpec[];
  readonly tenants: readonly TenantSpec[];
  readonly allowOvercommit?: boolean;
}

const RESERVED_NAMESPACE = /^(default|kube-.*|openshift-.*)$/;

/** Every semantic issue of a schema-valid spec. `base` prefixes the reported paths. */
export function checkCluster(input: CheckInput, catalog: GpuCatalog, base: SpecPath = ['spec']): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const issue = (code: string, path: SpecPath, message: string, fix: string): void => {
    issues.push({ code, path: [...base, ...path], message, fix });
  };
  const poolGpus = new Map<string, number>();
  const tenantNames = new Set(input.tenants.map((t) => t.name));

  const list = (what: string, key: string) => ({
    what,
    list: key,
    at: (i: number) => [key, i],
    fix: `give every ${what} its own name`,
  });
  reportDuplicateNames(input.nodePools, list('pool', 'nodePools'), issue);
  input.nodePools.forEach((pool, i) => {
    const sku = catalog.find(pool.gpu);
    if (!sku) {
      const near = nearest(pool.gpu, catalog.names());
      issue(
        'unknown-gpu',
        ['nodePools', i, 'gpu'],
        `GPU ${showValue(pool.gpu)} is not in the catalog`,
        near ? `did you mean "${near}"?` : `use one of ${catalog.names().join(', ')}`,
      );
      return;
    }
    if ((pool.nodes === undefined) === (pool.racks === undefined)) {
      issue(
        'nodes-or-racks',
        ['nodePools', i],
        `pool "${pool.name}" must declare exactly one of nodes and racks`,
        sku.rackScale ? 'declare racks: (an NVL72 system is sized in racks)' : 'declare nodes: (or racks:)',
      );
      return;
    }
    if (sku.rackScale && pool.nodes !== undefined) {
      issue(
        'nodes-or-racks',
        ['nodePools', i, 'nodes'],
        `${sku.name} is a rack-scale system; its pools are sized in racks, found nodes: ${pool.nodes}`,
        `write racks: ${Math.ceil(pool.nodes / sku.defaultNodesPerRack)} (${sku.defaultNodesPerRack} compute trays each)`,
      );
    }
    if (sku.rackScale && pool.nodesPerRack !== undefined && pool.nodesPerRack !== sku.defaultNodesPerRack) {
      issue(
        'invalid-value',
        ['nodePools', i, 'nodesPerRack'],
        `${sku.name} racks hold ${sku.defaultNodesPerRack} compute trays, found ${pool.nodesPerRack}`,
        'remove nodesPerRack',
      );
    }
    // The sizes as the model resolves them (the SKU is known from here on).
    const sized = resolvePool(pool, catalog);
    const perBlock = sized.racksPerBlock * sized.nodesPerRack;
    if (sku.rackScale && pool.maxUnavailable !== undefined && pool.maxUnavailable !== perBlock) {
      // A MachineDeployment picks the machines it replaces without regard to racks (CAPI v1.14
      // MachineDeployment deletion order: Random, Newest or Oldest), so less than a block would
      // break NVLink racks; a smaller unit is a smaller block.
      issue(
        'rack-scale-rollout',
        ['nodePools', i, 'maxUnavailable'],
        `${sku.name} racks are one NVLink domain, and a rollout takes ${pool.maxUnavailable} of a block's ${perBlock} trays without regard to racks`,
        'remove maxUnavailable (a block rolls whole), or set racksPerBlock: 1 to roll one rack at a time',
      );
    }
    if (pool.migProfile !== undefined && sku.migProfiles[pool.migProfile] === undefined) {
      issue(
        'unknown-mig-profile',
        ['nodePools', i, 'migProfile'],
        `${showValue(pool.migProfile)} is not a MIG layout of ${sku.name}`,
        `use one of ${Object.keys(sku.migProfiles).join(', ')}`,
      );
    }
    if (pool.dedicatedTo !== undefined && !tenantNames.has(pool.dedicatedTo)) {
      const near = nearest(pool.dedicatedTo, [...tenantNames]);
      issue(
        'unknown-tenant',
        ['nodePools', i, 'dedicatedTo'],
        `no tenant is named ${showValue(pool.dedicatedTo)}`,
        near ? `did you mean "${near}"?` : `use one of ${[...tenantNames].join(', ')}`,
      );
    }
    poolGpus.set(pool.name, sized.gpus);
  });

  reportDuplicateNames(input.tenants, list('tenant', 'tenants'), issue);
  const namespaceOwner = new Map<string, number>();
  input.tenants.forEach((tenant, t) => {
    if (RESERVED_NAMESPACE.test(tenant.name)) {
      issue(
        'reserved-name',
        ['tenants', t, 'name'],
        `"${tenant.name}" is reserved for the system`,
        'choose another tenant name',
      );
    }
    const namespaces = tenantNamespaces(tenant);
    namespaces.forEach((ns, n) => {
      const path = tenant.namespaces ? ['tenants', t, 'namespaces', n] : ['tenants', t, 'name'];
      if (RESERVED_NAMESPACE.test(ns)) {
        issue(
          'reserved-name',
          path,
          `namespace "${ns}" is reserved for the system`,
          'use a namespace of the tenant\'s own, for example "<tenant>-train"',
        );
      }
      const owner = namespaceOwner.get(ns);
      if (owner !== undefined && owner !== t) {
        issue(
          'duplicate-name',
          path,
          `namespace "${ns}" is claimed by tenant "${input.tenants[owner].name}" too`,
          'give each namespace to one tenant',
        );
      }
      namespaceOwner.set(ns, t);
    });
    (tenant.servingNamespaces ?? []).forEach((ns, n) => {
      if (!namespaces.includes(ns)) {
        issue(
          'unknown-namespace',
          ['tenants', t, 'servingNamespaces', n],
          `serving namespace "${ns}" is not one of tenant "${tenant.name}"'s namespaces (${namespaces.join(', ')})`,
          `list it in tenants[${t}].namespaces, or name one of those`,
        );
      }
    });
    for (const [poolName, gpus] of Object.entries(tenant.gpuQuota)) {
      const pool = input.nodePools.find((p) => p.name === poolName);
      if (!pool) {
        const near = nearest(
          poolName,
          input.nodePools.map((p) => p.name),
        );
        issue(
          'unknown-pool',
          ['tenants', t, 'gpuQuota', poolName],
          `no node pool is named "${poolName}"`,
          near ? `did you mean "${near}"?` : `use one of ${input.nodePools.map((p) => p.name).join(', ')}`,
        );
      } else if (pool.dedicatedTo !== undefined && pool.dedicatedTo !== tenant.name && gpus > 0) {
        issue(
          'dedicated-pool-shared',
          ['tenants', t, 'gpuQuota', poolName],
          `pool "${poolName}" is dedicated to tenant "${pool.dedicatedTo}", but tenant "${tenant.name}" is given ${gpus} GPUs on it`,
          `remove ${poolName} from this tenant's gpuQuota, or change the pool's dedicatedTo`,
        );
      }
    }
  });

  if (!input.allowOvercommit) {
    input.nodePools.forEach((pool, i) => {
      const capacity = poolGpus.get(pool.name);
      if (capacity === undefined) return;
      const shares = input.tenants.map((t) => [t.name, t.gpuQuota[pool.name] ?? 0] as const).filter(([, n]) => n > 0);
      const quoted = shares.reduce((sum, [, n]) => sum + n, 0);
      if (quoted > capacity) {
        issue(
          'quota-exceeds-pool',
          ['nodePools', i],
          `tenants are given ${quoted} GPUs on pool "${pool.name}" (${shares.map(([n, g]) => `${n}: ${g}`).join(', ')}), but it has ${capacity}`,
          `lower the quotas by ${quoted - capacity} GPUs, grow the pool, or set spec.allowOvercommit: true`,
        );
      }
    });
  }
  return issues;
}
