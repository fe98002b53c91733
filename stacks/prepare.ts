/**
 * Constructs that build their parts only once everything is declared (a `ColossusCluster` creates
 * its stacks from the pools, tenants and filesystems added to it) mark themselves here, and the app
 * prepares them before it validates and synthesizes: a hook without an import cycle between the
 * app (emit/colossus-app.ts) and the constructs that read it.
 */
import { IConstruct } from 'constructs';

const PREPARE = Symbol.for('colossus-cdktf.prepare');

type Preparable = IConstruct & { [PREPARE]?: () => void };

/** Marks `scope` as built by `prepare` when the app synthesizes (or earlier, when the construct is asked). */
export function onPrepare(scope: IConstruct, prepare: () => void): void {
  (scope as Preparable)[PREPARE] = prepare;
}

/** Prepares every marked construct under `root`, in construction order; preparing twice is harmless. */
export function prepareAll(root: IConstruct): void {
  for (const c of root.node.findAll() as Preparable[]) c[PREPARE]?.();
}
