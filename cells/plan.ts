/**
 * The cell plan: the site cut into workload clusters (cells) of whole blocks, each within
 * Kubernetes' published scale envelope (kubernetes/community sig-scalability/configs-and-limits/
 * thresholds.md: 5,000 nodes). Pure: no cdktf, no I/O.
 *
 * Rules, in order:
 * - every cell holds blocks of one pool only, so a pool dedicated to a tenant has cells of its own
 *   and one MultiKueueConfig per pool lists its cells;
 * - pinned cells (`spec.cells.layout`) take the next `blocks` blocks of their pool, in layout order;
 * - the pool's remaining blocks are cut into automatic cells `<pool>-c00`, `<pool>-c01`, ... of
 *   `floor(maxNodesPerCell / nodes per block)` blocks each, filled in order: a growing pool first
 *   fills its last cell, then adds cells; no existing cell is renamed or loses a block.
 */
import { Cluster, NodePool } from '../model/cluster';
import { formatNumber as fmt } from '../model/values';
import type { FabricIssue } from '../fabric/plan';
import { blockNodes } from '../provisioning/cluster-api';
import { DEFAULTS } from '../spec/defaults';

/** Upstream threshold of nodes per cluster (sig-scalability thresholds.md). */
export const UPSTREAM_MAX_NODES = 5000;

/** Name no cell may take: the manager's stacks are `<cluster>-manager*`. */
export const MANAGER_CELL_NAME = 'manager';

/** One cell: a run of one pool's blocks. */
export interface Cell {
  /** Cell name; its stacks are `<cluster>-<cell>-*`. */
  readonly name: string;
  /** The pool the blocks belong to. */
  readonly pool: string;
  /** Index of the cell's first block in the pool. */
  readonly firstBlock: number;
  /** Blocks in the cell. */
  readonly blocks: number;
  /** Nodes (compute trays on NVL72). */
  readonly nodes: number;
  /** Racks. */
  readonly racks: number;
  /** Physical GPUs. */
  readonly gpus: number;
  /**
   * Index of the `spec.cells.layout` entry that pins the cell.
   * @default - an automatic cell
   */
  readonly layoutIndex?: number;
}

/** The cells of a cluster. */
export interface CellPlan {
  /** True when the cluster is split: a manager and one workload cluster per cell. False: one cluster, today's stacks. */
  readonly split: boolean;
  /** Most nodes per cell. */
  readonly maxNodesPerCell: number;
  /**
   * Why maxNodesPerCell exceeds the upstream threshold.
   * @default - it does not
   */
  readonly exceedReason?: string;
  /** The cells, pool by pool in spec order, pinned cells before automatic ones. */
  readonly cells: readonly Cell[];
  /** Problems with the layout, located relative to `spec`. */
  readonly issues: readonly FabricIssue[];
}

/**
 * Whether the cluster runs as cells: it declares `spec.cells`, or its nodes do not fit one cell.
 * A cluster that fits one cell and declares nothing keeps its single cluster and stack names.
 */
export function needsCells(cluster: Pick<Cluster, 'cells' | 'pools'>): boolean {
  if (cluster.cells !== undefined) return true;
  const nodes = cluster.pools.reduce((s, p) => s + p.nodes, 0);
  return nodes > UPSTREAM_MAX_NODES;
}

/** Plans the cells of `cluster`. */
export function planCells(cluster: Pick<Cluster, 'cells' | 'pools'>): CellPlan {
  const spec = cluster.cells ?? {};
  const maxNodesPerCell = spec.maxNodesPerCell ?? DEFAULTS.cells.maxNodesPerCell;
  const issues: FabricIssue[] = [];
  const issue = (code: string, path: (string | number)[], message: string, fix: string) =>
    issues.push({ code, path: ['cells', ...path], message, fix });
  if (maxNodesPerCell > UPSTREAM_MAX_NODES && !spec.exceedReason) {
    issue(
      'cell-above-threshold',
      ['maxNodesPerCell'],
      `cells of up to ${fmt(maxNodesPerCell)} nodes exceed the ${fmt(UPSTREAM_MAX_NODES)} nodes upstream Kubernetes ` +
        'supports its SLOs at (sig-scalability thresholds.md)',
      `lower maxNodesPerCell to ${fmt(UPSTREAM_MAX_NODES)}, or add exceedReason saying what makes larger cells safe here`,
    );
  }
  if (!needsCells(cluster)) {
    const whole = cluster.pools.map((p) => wholePoolCell(p));
    return { split: false, maxNodesPerCell, exceedReason: spec.exceedReason, cells: whole, issues };
  }

  const layout = spec.layout ?? [];
  const names = new Map<string, string>();
  const claim = (name: string, where: string, path: (string | number)[]) => {
    const first = names.get(name);
    if (name === MANAGER_CELL_NAME) {
      issue('reserved-name', path, `"${name}" names the MultiKueue manager's stacks`, 'choose another cell name');
    } else if (first !== undefined) {
      issue('duplicate-name', path, `cell name "${name}" is used by ${first} too`, 'give every cell its own name');
    }
    names.set(name, where);
  };
  layout.forEach((entry, i) => {
    if (!cluster.pools.some((p) => p.name === entry.pool)) {
      issue(
        'unknown-pool',
        ['layout', i, 'pool'],
        `no node pool is named "${entry.pool}"`,
        `use one of ${cluster.pools.map((p) => p.name).join(', ')}`,
      );
    }
  });

  const cells: Cell[] = [];
  for (const pool of cluster.pools) {
    const nodesPerBlock = pool.nodesPerRack * pool.racksPerBlock;
    let next = 0;
    layout.forEach((entry, i) => {
      if (entry.pool !== pool.name) return;
      claim(entry.name, `spec.cells.layout[${i}]`, ['layout', i, 'name']);
      const blocks = Math.min(entry.blocks, pool.blocks - next);
      if (blocks < entry.blocks) {
        issue(
          'cell-blocks-exceed-pool',
          ['layout', i, 'blocks'],
          `cell "${entry.name}" takes ${fmt(entry.blocks)} blocks of pool "${pool.name}" from block ${next}, ` +
            `but the pool has ${fmt(pool.blocks)} blocks`,
          `lower blocks to ${fmt(Math.max(0, pool.blocks - next))} or grow the pool`,
        );
      }
      const cell = sliceCell(pool, entry.name, next, blocks, i);
      if (cell.nodes > maxNodesPerCell) {
        issue(
          'cell-too-large',
          ['layout', i, 'blocks'],
          `cell "${entry.name}" has ${fmt(cell.nodes)} nodes (${fmt(blocks)} blocks of ${fmt(nodesPerBlock)}), ` +
            `over maxNodesPerCell ${fmt(maxNodesPerCell)}`,
          `pin at most ${fmt(Math.floor(maxNodesPerCell / nodesPerBlock))} blocks per cell`,
        );
      }
      if (blocks > 0) cells.push(cell);
      next += blocks;
    });
    if (next >= pool.blocks) continue;
    const blocksPerCell = Math.floor(maxNodesPerCell / nodesPerBlock);
    if (blocksPerCell < 1) {
      issue(
        'block-exceeds-cell',
        ['maxNodesPerCell'],
        `a block of pool "${pool.name}" has ${fmt(nodesPerBlock)} nodes, more than maxNodesPerCell ${fmt(maxNodesPerCell)}`,
        `lower the pool's racksPerBlock to ${Math.max(1, Math.floor(maxNodesPerCell / pool.nodesPerRack))} or less`,
      );
      continue;
    }
    for (let c = 0; next < pool.blocks; c++) {
      const name = `${pool.name}-c${String(c).padStart(2, '0')}`;
      claim(name, `the automatic cell ${c} of pool "${pool.name}"`, ['layout']);
      const blocks = Math.min(blocksPerCell, pool.blocks - next);
      cells.push(sliceCell(pool, name, next, blocks));
      next += blocks;
    }
  }
  return { split: true, maxNodesPerCell, exceedReason: spec.exceedReason, cells, issues };
}

/** The whole pool as one run of blocks. */
function wholePoolCell(pool: NodePool): Cell {
  return {
    name: pool.name,
    pool: pool.name,
    firstBlock: 0,
    blocks: pool.blocks,
    nodes: pool.nodes,
    racks: pool.racks,
    gpus: pool.gpus,
  };
}

function sliceCell(pool: NodePool, name: string, firstBlock: number, blocks: number, layoutIndex?: number): Cell {
  let nodes = 0;
  for (let b = firstBlock; b < firstBlock + blocks; b++) nodes += blockNodes(pool, b);
  const racks = Math.min(pool.racks, (firstBlock + blocks) * pool.racksPerBlock) - firstBlock * pool.racksPerBlock;
  return {
    name,
    pool: pool.name,
    firstBlock,
    blocks,
    nodes,
    racks: Math.max(0, racks),
    gpus: nodes * pool.sku.gpusPerNode,
    ...(layoutIndex === undefined ? {} : { layoutIndex }),
  };
}

/** The pool restricted to a cell's blocks: the same name, flavor and labels, the cell's sizes. */
export function poolSlice(pool: NodePool, cell: Cell): NodePool {
  return {
    ...pool,
    nodes: cell.nodes,
    racks: cell.racks,
    blocks: cell.blocks,
    gpus: cell.gpus,
    firstBlock: cell.firstBlock,
  };
}

/**
 * A tenant's quota on a pool, split over the pool's cells first-fit, in cell order: each cell gives
 * what it has left after earlier tenants (`taken`, updated), so the cells' quotas add up to the
 * spec's exactly, and a pool that grows (new blocks at the end) changes no existing cell's quota.
 * Quota beyond the pool (allowOvercommit) goes to the last cell.
 */
export function splitQuota(quota: number, cells: readonly Cell[], taken: Map<string, number>): number[] {
  let left = quota;
  const shares = cells.map((c) => {
    const give = Math.min(left, Math.max(0, c.gpus - (taken.get(c.name) ?? 0)));
    left -= give;
    return give;
  });
  if (left > 0 && shares.length > 0) shares[shares.length - 1] += left;
  cells.forEach((c, i) => taken.set(c.name, (taken.get(c.name) ?? 0) + shares[i]));
  return shares;
}
