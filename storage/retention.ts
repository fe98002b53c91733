/**
 * Nothing lost when the spec forgets a volume. Every synth records its protected objects (with
 * their stack and Terraform address) in reports/summary.json; the next synth compares: a recorded
 * object its stack no longer emits is *retained*. Terraform is told to forget it without
 * destroying it (a `removed` block with `destroy = false`), the record is carried forward, and
 * the namespace holding it stays protected while the tenant still declares it.
 */
import { ClusterStorage, volumesOf } from './model';

/** One protected object, as recorded in `reports/summary.json` (`storage.protected` and `storage.retained`). */
export interface DataRecord {
  /** Stack that emitted it. */
  readonly stack: string;
  /**
   * Tenant it belongs to (its `colossus.dev/tenant` label).
   * @default - none: not a tenant's object
   */
  readonly tenant?: string;
  /** Kind of the object. */
  readonly kind: string;
  /**
   * Namespace of the object.
   * @default - none: cluster-scoped
   */
  readonly namespace?: string;
  /** Name of the object. */
  readonly name: string;
  /** Terraform resource address in the stack, for example `kubernetes_manifest.persistentvolumeclaim_ns_data`. */
  readonly terraformAddress: string;
}

/** Identity of a record: a stack's Terraform address. */
export function recordKey(r: Pick<DataRecord, 'stack' | 'terraformAddress'>): string {
  return `${r.stack} ${r.terraformAddress}`;
}

/** Records sorted by stack and address, duplicates dropped: summaries stay byte-stable. */
export function sortRecords(records: readonly DataRecord[]): DataRecord[] {
  const unique = new Map(records.map((r) => [recordKey(r), r]));
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/**
 * Records of `previous` (the last synth's protected and retained objects) that are not in `emitted`
 * (keys, see `recordKey`, of every object the current synth emits): they are retained, never destroyed.
 */
export function retainedRecords(previous: readonly DataRecord[], emitted: ReadonlySet<string>): DataRecord[] {
  return sortRecords(previous.filter((r) => !emitted.has(recordKey(r))));
}

/**
 * Namespaces of `tenant` whose Namespace object must be protected: deleting a namespace deletes
 * every claim in it. These are the namespaces of its protected volumes, and those (still declared)
 * of claims the last synth protected that the spec no longer declares.
 */
export function protectedNamespaces(
  storage: Pick<ClusterStorage, 'shares'>,
  tenant: { readonly name: string; readonly namespaces: readonly string[] },
  previous: readonly DataRecord[],
): string[] {
  const volumes = volumesOf(storage, tenant.name);
  const declared = new Set(volumes.map((v) => `${v.namespace}/${v.name}`));
  const current = volumes.filter((v) => v.protected).map((v) => v.namespace);
  const retained = previous
    .filter((r) => r.tenant === tenant.name && r.kind === 'PersistentVolumeClaim' && r.namespace !== undefined)
    .filter((r) => !declared.has(`${r.namespace}/${r.name}`))
    .map((r) => r.namespace as string);
  const wanted = new Set([...current, ...retained]);
  return tenant.namespaces.filter((ns) => wanted.has(ns));
}
