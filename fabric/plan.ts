/**
 * The fabric plan: the declared fabric with its defaults, checked against the pools, tenants and
 * cluster ranges, then sized, address-planned and partitioned. The fabric planner
 * (fabric/planner.ts) makes it once per cluster; the check, the constructs and the summary all read
 * that plan, so what is refused and what is emitted never disagree. Pure: no cdktf, no I/O.
 */
import type { NodePool } from '../model/cluster';
import { formatPath, SpecIssue, SpecPath } from '../spec/errors';
import { DEFAULTS } from '../spec/defaults';
import type { FabricKind, FabricSpec } from '../spec/types';
import {
  findOverlaps,
  formatCidr,
  Ipv4Cidr,
  isNetwork,
  NamedCidr,
  networkOf,
  parseCidr,
  planRailAddresses,
  RailRange,
} from './address-plan';
import { assignPartitions, formatPartition, PartitionKind } from './partitions';
import { FabricSizing, sizeFabric } from './sizing';

/** A tenant as the fabric sees it. */
export interface FabricTenant {
  readonly name: string;
  readonly namespaces: readonly string[];
  readonly gpuQuota: Readonly<Record<string, number>>;
  readonly fabricPartition?: number;
}

/** What a fabric plan is made from. */
export interface FabricPlanInput {
  readonly fabric: FabricSpec;
  /** Resolved pools, in spec order. */
  readonly pools: readonly NodePool[];
  /** Tenants in spec order. */
  readonly tenants: readonly FabricTenant[];
  readonly podCIDR?: string;
  readonly serviceCIDR?: string;
}

/** One pool's attachment to the rails. */
export interface PoolRails {
  readonly pool: string;
  readonly nodes: number;
  readonly rails: number;
  /** Virtual functions per rail NIC: pods per node that attach to the fabric. */
  readonly podsPerNode: number;
  readonly nodesPerScalableUnit: number;
}

/** A tenant's partition. */
export interface TenantPartition {
  readonly tenant: string;
  readonly namespaces: readonly string[];
  readonly id: number;
  /** `0x0101` (PKey) or `101` (VLAN). */
  readonly display: string;
}

/** The buildable fabric. */
export interface FabricPlan {
  readonly kind: FabricKind;
  readonly partitionKind: PartitionKind;
  readonly switchModel: string;
  readonly linkGbps: number;
  readonly sizing: FabricSizing;
  readonly rails: readonly RailRange[];
  /** NIC name of each rail on every node. */
  readonly railInterfaces: readonly string[];
  /** The spec names the rail NICs (the image names them); otherwise the NIC Configuration Operator does. */
  readonly railInterfacesDeclared: boolean;
  readonly pools: readonly PoolRails[];
  readonly partitions: readonly TenantPartition[];
}

/** A problem with the fabric, located relative to `spec` (a spec issue without a file position yet). */
export type FabricIssue = Omit<SpecIssue, 'line' | 'column'>;

export type FabricPlanResult =
  { readonly ok: true; readonly plan: FabricPlan } | { readonly ok: false; readonly issues: readonly FabricIssue[] };

/** The extended resource (without the `nvidia.com/` prefix) of rail `r`'s virtual functions. */
export function railResource(rail: number): string {
  return `rail${rail}`;
}

/** Name of rail `r`'s network: the IPPool, and the attachment in each tenant namespace. */
export function railNetwork(rail: number): string {
  return `rail-${rail}`;
}

/** Plans the fabric of `input`, or lists every reason it cannot be built. */
export function planFabric(input: FabricPlanInput): FabricPlanResult {
  const { fabric, pools } = input;
  const issues: FabricIssue[] = [];
  const issue: IssueSink = (code, path, message, fix) => issues.push({ code, path, message, fix });
  const rails = Math.max(0, ...pools.map((p) => p.sku.rdmaNicsPerNode));
  const railInterfaces = fabric.railInterfaces ?? Array.from({ length: rails }, (_, r) => `rail${r}`);
  const partitionKind: PartitionKind = fabric.kind === 'infiniband' ? 'pkey' : 'vlan';

  const railCidr = checkRanges(input, issue);
  if (fabric.linkGbps !== fabric.switch.portGbps) {
    issue(
      'fabric-port-speed',
      ['fabric', 'switch', 'portGbps'],
      `switch ports run at ${fabric.switch.portGbps} Gb/s but the GPU NICs at ${fabric.linkGbps} Gb/s`,
      `describe the switch at the NIC speed (a 64 x 800G switch is ports: 128, portGbps: 400 with breakout cables)`,
    );
  }
  if (railInterfaces.length < rails) {
    issue(
      'fabric-rail-interfaces',
      ['fabric', 'railInterfaces'],
      `${railInterfaces.length} rail NIC names are given but the pools have ${rails} rails`,
      `list ${rails} interface names, rail 0 first`,
    );
  }
  const poolRails = scalableUnits(fabric, pools, issue);
  if (fabric.railInterfaces === undefined) {
    // Nothing on a stock image is called rail0..N: without declared names, each pool's rail NICs are
    // renamed by a NicInterfaceNameTemplate, which needs their PCI addresses.
    pools.forEach((pool, i) => {
      const have = pool.railPciAddresses?.length ?? 0;
      if (pool.sku.rdmaNicsPerNode > 0 && have < pool.sku.rdmaNicsPerNode) {
        issue(
          'fabric-rail-names',
          ['nodePools', i, 'railPciAddresses'],
          `pool "${pool.name}" has ${pool.sku.rdmaNicsPerNode} rail NICs but ${have} PCI addresses, and ` +
            `spec.fabric.railInterfaces is not declared: nothing would create the rail names rail0..${pool.sku.rdmaNicsPerNode - 1}`,
          `list the pool's ${pool.sku.rdmaNicsPerNode} rail NIC PCI addresses, rail 0 first (railPciAddresses), ` +
            'or declare spec.fabric.railInterfaces with the names the image gives the NICs',
        );
      }
    });
  }

  const sized = sizeFabric({
    pools: pools.map((p, i) => ({
      name: p.name,
      nodes: p.nodes,
      rails: p.sku.rdmaNicsPerNode,
      gpusPerNode: p.sku.gpusPerNode,
      nodesPerScalableUnit: poolRails[i].nodesPerScalableUnit,
    })),
    switchPorts: fabric.switch.ports,
    linkGbps: fabric.linkGbps,
    oversubscription: fabric.oversubscription ?? DEFAULTS.fabric.oversubscription,
    maxTiers: fabric.maxTiers ?? DEFAULTS.fabric.maxTiers,
  });
  if (!sized.ok) issue(sized.failure.code, ['fabric', 'switch', 'ports'], sized.failure.message, sized.failure.fix);

  let railRanges: readonly RailRange[] = [];
  if (railCidr) {
    const onRail = (r: number) => poolRails.filter((p) => p.rails > r);
    const planned = planRailAddresses({
      railCIDR: railCidr,
      nodesPerRail: Array.from({ length: rails }, (_, r) => onRail(r).reduce((n, p) => n + p.nodes, 0)),
      perNodeBlockSize: Array.from({ length: rails }, (_, r) => Math.max(1, ...onRail(r).map((p) => p.podsPerNode))),
    });
    if (planned.ok) railRanges = planned.rails;
    else planned.failures.forEach((f) => issue(f.code, ['fabric', 'railCIDR'], f.message, f.fix));
  }

  const partitions = assignTenantPartitions(partitionKind, input, issue);
  if (!sized.ok || issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    plan: {
      kind: fabric.kind,
      partitionKind,
      switchModel: fabric.switch.model,
      linkGbps: fabric.linkGbps,
      sizing: sized.sizing,
      rails: railRanges,
      railInterfaces: railInterfaces.slice(0, rails),
      railInterfacesDeclared: fabric.railInterfaces !== undefined,
      pools: poolRails,
      partitions,
    },
  };
}

type IssueSink = (code: string, path: SpecPath, message: string, fix: string) => void;

/** Checks railCIDR, podCIDR and serviceCIDR; returns railCIDR when it is usable. */
function checkRanges(input: FabricPlanInput, issue: IssueSink): Ipv4Cidr | undefined {
  for (const key of ['podCIDR', 'serviceCIDR'] as const) {
    if (input[key] === undefined) {
      issue(
        'fabric-needs-cluster-ranges',
        ['kubernetes'],
        `spec.kubernetes.${key} is not declared, so the fabric's rail ranges cannot be checked against it`,
        `declare spec.kubernetes.${key} (the range your ${key === 'podCIDR' ? 'CNI gives pods' : 'API server gives Services'})`,
      );
    }
  }
  const ranges: NamedCidr[] = [];
  const paths = new Map<string, SpecPath>();
  const parse = (path: SpecPath, text: string | undefined): Ipv4Cidr | undefined => {
    if (text === undefined) return undefined;
    const parsed = parseCidr(text);
    if (!parsed) {
      issue(
        'invalid-cidr',
        path,
        `"${text}" is not an IPv4 range`,
        'write four octets of 0-255 and a prefix of 0-32, like "100.64.0.0/10"',
      );
      return undefined;
    }
    if (!isNetwork(parsed)) {
      issue('cidr-host-bits', path, `"${text}" has host bits set`, `write "${formatCidr(networkOf(parsed))}"`);
    }
    const name = formatPath(['spec', ...path]);
    ranges.push({ name, cidr: parsed });
    paths.set(name, path);
    return parsed;
  };
  const railCidr = parse(['fabric', 'railCIDR'], input.fabric.railCIDR);
  parse(['kubernetes', 'podCIDR'], input.podCIDR);
  parse(['kubernetes', 'serviceCIDR'], input.serviceCIDR);
  for (const [a, b] of findOverlaps(ranges)) {
    issue(
      'cidr-overlap',
      paths.get(b.name)!,
      `${b.name} ${formatCidr(b.cidr)} overlaps ${a.name} ${formatCidr(a.cidr)}`,
      'give each range its own addresses (rail ranges are often carved from 100.64.0.0/10)',
    );
  }
  return railCidr;
}

/** Each pool's rails and scalable unit; a declared scalable unit must be every pool's block, which the Kueue Topology calls a block. */
function scalableUnits(fabric: FabricSpec, pools: readonly NodePool[], issue: IssueSink): PoolRails[] {
  return pools.map((pool, i) => {
    const block = pool.racksPerBlock * pool.nodesPerRack;
    const su = fabric.nodesPerScalableUnit ?? block;
    if (su !== block) {
      const racks = su / pool.nodesPerRack;
      const unpin = "remove spec.fabric.nodesPerScalableUnit (each pool's block is then its scalable unit)";
      issue(
        'scalable-unit-mismatch',
        ['nodePools', i, 'racksPerBlock'],
        `pool "${pool.name}" blocks hold ${block} nodes (${pool.racksPerBlock} racks x ${pool.nodesPerRack}) but ` +
          `spec.fabric.nodesPerScalableUnit is ${su}: the Kueue block level would not match the leaf groups`,
        Number.isInteger(racks) ? `set racksPerBlock: ${racks} on pool "${pool.name}", or ${unpin}` : unpin,
      );
    }
    return {
      pool: pool.name,
      nodes: pool.nodes,
      rails: pool.sku.rdmaNicsPerNode,
      podsPerNode: fabric.rdmaPodsPerNode ?? pool.sku.gpusPerNode,
      nodesPerScalableUnit: su,
    };
  });
}

/** Every tenant's partition; failures and InfiniBand's per-port PKey limit go to `issue`. */
function assignTenantPartitions(kind: PartitionKind, input: FabricPlanInput, issue: IssueSink): TenantPartition[] {
  const assigned = assignPartitions(kind, input.tenants);
  assigned.failures.forEach((f) => {
    const field = input.tenants[f.tenant].fabricPartition === undefined ? 'name' : 'fabricPartition';
    issue(f.code, ['tenants', f.tenant, field], f.message, f.fix);
  });
  if (kind === 'pkey') {
    // A port holds at most 128 PKeys, the default partition among them.
    input.pools.forEach((pool, i) => {
      const sharing = input.tenants.filter((t) => (t.gpuQuota[pool.name] ?? 0) > 0).length;
      if (sharing > 127) {
        issue(
          'fabric-too-many-partitions',
          ['nodePools', i],
          `${sharing} tenants have quota on pool "${pool.name}", but an InfiniBand port holds at most 127 tenant partition keys`,
          'spread the tenants over more pools',
        );
      }
    });
  }
  return input.tenants
    .filter((t) => assigned.partitions.has(t.name))
    .map((t) => {
      const id = assigned.partitions.get(t.name)!;
      return { tenant: t.name, namespaces: t.namespaces, id, display: formatPartition(kind, id) };
    });
}

/** The plan of a cluster that declares a fabric; throws with every issue when it cannot be built. */
export function requireFabricPlan(input: FabricPlanInput): FabricPlan {
  const result = planFabric(input);
  if (result.ok) return result.plan;
  throw new Error(
    `the compute fabric cannot be built:\n${result.issues
      .map((i) => `  ${formatPath(['spec', ...i.path])}: ${i.message}\n    fix: ${i.fix}`)
      .join('\n')}`,
  );
}
