/**
 * The synth summary: the cluster in GPU and tenant terms, written to
 * `<out>/reports/summary.json` and printed after each synth. Review tools read it.
 */
import * as path from 'path';
import { formatObjectSizeLines, ObjectSizeSummary } from '../day2/object-size';
import { formatOperationsLines, OperationsSummary, operationsSummary } from '../day2/summary';
import { FabricSummary, fabricSummary, formatFabricLines } from '../fabric/summary';
import { Cluster, NodePool, Tenant, totalGpus } from '../model/cluster';
import { formatStorageSummary, StorageSummary } from '../storage/summary';
import {
  formatPowerLines,
  PowerSummary,
  powerSummary,
  ProvisioningSummary,
  provisioningSummary,
} from '../power/summary';
import { formatNumber as n } from '../model/values';
import { FacilitySummary, facilitySummary, formatSiteLines, OrbitalSummary, orbitalSummary } from '../site/summary';
import { analyzeCells, CellReport } from '../cells/analysis';

/** Where a synth writes its summary (and records its protected objects), relative to the output directory. */
export const SUMMARY_FILE = path.join('reports', 'summary.json');

/** Per-stack figures. */
export interface StackSummary {
  /** Resources in the stack's cdk.tf.json (0 when Terraform is not emitted). */
  readonly terraformResources: number;
  /** Kubernetes objects the stack holds. */
  readonly objects: number;
}

/** Contents of reports/summary.json. */
export interface Summary {
  /** Cluster name. */
  readonly cluster: string;
  /**
   * The site the cluster stands in, and its power envelope.
   * @default - absent for an app composed from the constructs, which declares no site
   */
  readonly site?: {
    /** Site name. */
    readonly name: string;
    /** Power available to the site, MW. */
    readonly powerBudgetMW: number;
  };
  /** Physical GPUs of every pool. */
  readonly gpus: number;
  /** Per pool: its GPU, sizes and owner. */
  readonly pools: Record<
    string,
    {
      /** GPU SKU. */
      gpu: string;
      /** Physical GPUs. */
      gpus: number;
      /** Nodes. */
      nodes: number;
      /** Racks. */
      racks: number;
      /** Blocks. */
      blocks: number;
      /**
       * Tenant owning the pool.
       * @default - shared
       */
      dedicatedTo?: string;
    }
  >;
  /** Per tenant: whether external, its namespaces, groups and GPU quota per pool. */
  readonly tenants: Record<
    string,
    {
      /** An external party. */
      external: boolean;
      /** The tenant's namespaces. */
      namespaces: readonly string[];
      /** Identity-provider groups bound in the tenant's namespaces; the audit checks bindings against them. */
      groups: readonly string[];
      /** GPUs per pool. */
      gpuQuota: Record<string, number>;
    }
  >;
  /**
   * Tenants being offboarded: their stacks hold no objects, so deploying them destroys the tenants' objects and keeps their data.
   * @default - none
   */
  readonly offboarding?: readonly string[];
  /** Per stack: its Terraform resources and objects. */
  readonly stacks: Record<string, StackSummary>;
  /**
   * Filesystems, tenant claims, checkpoint demand, and the protected and retained data.
   * @default - absent without storage
   */
  readonly storage?: StorageSummary;
  /**
   * Draw per pool and per site against the site budgets.
   * @default - absent when not computed
   */
  readonly power?: PowerSummary;
  /**
   * MachineDeployments per pool.
   * @default - absent without `spec.management`
   */
  readonly provisioning?: ProvisioningSummary;
  /**
   * The sized compute fabric and its rail ranges.
   * @default - absent without `spec.fabric`
   */
  readonly fabric?: FabricSummary;
  /**
   * Halls, cooling, space and water of the ground sites that declare halls or a PUE.
   * @default - absent when no site declares them
   */
  readonly facility?: FacilitySummary;
  /**
   * Orbital sites: a planning target only, never emitted.
   * @default - absent without an orbital site
   */
  readonly orbital?: OrbitalSummary;
  /**
   * Day-2 bounds per pool and how long a pool-wide driver, image or SR-IOV change takes at them.
   * @default - absent when not computed
   */
  readonly operations?: OperationsSummary;
  /**
   * The largest objects by estimated size with status, and those over budget.
   * @default - absent when not computed
   */
  readonly objectSizes?: ObjectSizeSummary;
  /**
   * The workload clusters (cells) and their scale-envelope figures and findings.
   * @default - absent for an app composed from the constructs (no spec to cut into cells)
   */
  readonly cells?: CellsSummary;
}

/** The cells of a cluster in the summary. */
export interface CellsSummary {
  /** True when the cluster is split into cells under a MultiKueue manager. */
  readonly split: boolean;
  /** Most nodes per cell. */
  readonly maxNodesPerCell: number;
  /**
   * Why maxNodesPerCell exceeds the upstream 5,000 nodes.
   * @default - it does not
   */
  readonly exceedReason?: string;
  /** Per cell: its blocks, tenants, context, figures and findings. */
  readonly cells: readonly CellReport[];
}

/** Builds the summary of `cluster` given the figures of its synthesized stacks. */
export function buildSummary(cluster: Cluster, stacks: Record<string, StackSummary>): Summary {
  return {
    cluster: cluster.name,
    site: { name: cluster.site.name, powerBudgetMW: cluster.site.powerBudgetMW },
    gpus: totalGpus(cluster),
    pools: poolFigures(cluster.pools),
    tenants: tenantFigures(cluster.tenants),
    ...(cluster.offboarding?.length ? { offboarding: [...cluster.offboarding] } : {}),
    stacks,
    power: powerSummary(cluster),
    provisioning: provisioningSummary(cluster),
    fabric: fabricSummary(cluster),
    facility: facilitySummary(cluster),
    orbital: orbitalSummary(cluster),
    operations: operationsSummary(cluster),
    cells: cellsSummary(cluster),
  };
}

/** The cells of `cluster` with their envelope figures. */
export function cellsSummary(cluster: Cluster): CellsSummary {
  const { plan, reports } = analyzeCells(cluster);
  return {
    split: plan.split,
    maxNodesPerCell: plan.maxNodesPerCell,
    ...(plan.exceedReason ? { exceedReason: plan.exceedReason } : {}),
    cells: reports,
  };
}

/** The `pools` section: each pool's GPU, sizes and owner. */
export function poolFigures(pools: readonly NodePool[]): Summary['pools'] {
  return Object.fromEntries(
    pools.map((p) => [
      p.name,
      { gpu: p.sku.name, gpus: p.gpus, nodes: p.nodes, racks: p.racks, blocks: p.blocks, dedicatedTo: p.dedicatedTo },
    ]),
  );
}

/** The `tenants` section: each tenant's namespaces, groups and GPU quota. */
export function tenantFigures(tenants: readonly Tenant[]): Summary['tenants'] {
  return Object.fromEntries(
    tenants.map((t) => [
      t.name,
      { external: t.external, namespaces: t.namespaces, groups: t.groups, gpuQuota: { ...t.gpuQuota } },
    ]),
  );
}

/** A few lines for the terminal. */
export function formatSummary(summary: Summary): string {
  const lines = [`${summary.cluster}: ${n(summary.gpus)} GPUs in ${Object.keys(summary.pools).length} pools`];
  for (const [name, p] of Object.entries(summary.pools)) {
    const owner = p.dedicatedTo ? `, dedicated to ${p.dedicatedTo}` : '';
    lines.push(
      `  pool ${name}: ${n(p.gpus)} x ${p.gpu} on ${n(p.nodes)} nodes, ${n(p.racks)} racks, ${n(p.blocks)} blocks${owner}`,
    );
  }
  for (const [name, t] of Object.entries(summary.tenants)) {
    const quota =
      Object.entries(t.gpuQuota)
        .map(([pool, g]) => `${pool} ${n(g)}`)
        .join(', ') || 'no GPUs';
    lines.push(`  tenant ${name}${t.external ? ' (external)' : ''}: ${quota}`);
  }
  for (const tenant of summary.offboarding ?? []) {
    const stack = Object.keys(summary.stacks).find((s) => s === `${summary.cluster}-tenant-${tenant}`);
    lines.push(
      `  tenant ${tenant}: offboarding; deploying stack ${stack ?? '(none)'} destroys its objects and keeps its data, then remove it from the spec`,
    );
  }
  for (const [name, s] of Object.entries(summary.stacks)) {
    lines.push(`  stack ${name}: ${n(s.terraformResources)} Terraform resources, ${n(s.objects)} objects`);
  }
  lines.push(...formatCellLines(summary.cells));
  lines.push(...formatPowerLines(summary.power, summary.provisioning));
  lines.push(...formatFabricLines(summary.fabric));
  lines.push(...formatSiteLines(summary.facility, summary.orbital));
  lines.push(...formatOperationsLines(summary.operations));
  lines.push(...formatObjectSizeLines(summary.objectSizes));
  if (summary.storage) lines.push(...formatStorageSummary(summary.storage, Object.keys(summary.stacks)));
  return lines.join('\n');
}

/** One line per cell, then its warnings. */
function formatCellLines(cells: CellsSummary | undefined): string[] {
  if (!cells) return [];
  const lines: string[] = [];
  if (cells.split) lines.push(`  cells: ${cells.cells.length} of at most ${n(cells.maxNodesPerCell)} nodes`);
  for (const c of cells.cells) {
    const f = c.figures;
    if (cells.split) {
      lines.push(
        `  cell ${c.name}: ${n(f.nodes)} nodes, ${n(f.gpus)} GPUs, tenants ${Object.keys(c.tenants).join(', ') || 'none'}, ` +
          `about ${n(f.pods)} pods, ${n(f.heartbeatWritesPerSecond)} lease writes/s`,
      );
    }
    for (const w of c.findings)
      lines.push(`  ${w.severity}: ${cells.split ? `cell ${c.name}: ` : ''}${w.message}; fix: ${w.fix}`);
  }
  if (cells.exceedReason) lines.push(`  cells exceed ${n(5000)} nodes because: ${cells.exceedReason}`);
  return lines;
}
