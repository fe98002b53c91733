/**
 * Per-tenant fabric partitions: an InfiniBand partition key or an Ethernet VLAN per tenant,
 * never shared. A tenant's `fabricPartition` is honoured; the others get a key derived from
 * their name (so adding a tenant does not move the others), probing upwards on collision in
 * name order. Pure: no cdktf, no I/O.
 */

/** InfiniBand partition key, or Ethernet VLAN ID. */
export type PartitionKind = 'pkey' | 'vlan';

/** Values a tenant may be given: PKeys 0x0001-0x7FFE (0x7FFF is the default partition), VLANs 1-4094. */
export const PARTITION_RANGE: Readonly<Record<PartitionKind, { readonly min: number; readonly max: number }>> = {
  pkey: { min: 0x0001, max: 0x7ffe },
  vlan: { min: 1, max: 4094 },
};

/** Automatic keys start at 2: 1 is the default VLAN of most switches, and left to the site on InfiniBand too. */
const AUTO_MIN = 2;

/** A tenant asking for a partition. */
export interface PartitionRequest {
  readonly name: string;
  /** The tenant's own choice. @default - derived from the name */
  readonly fabricPartition?: number;
}

/** A tenant's partition could not be given. */
export interface PartitionFailure {
  readonly code: 'fabric-partition-out-of-range' | 'duplicate-fabric-partition' | 'fabric-partitions-exhausted';
  /** Index of the tenant in the request list. */
  readonly tenant: number;
  readonly message: string;
  readonly fix: string;
}

export interface PartitionAssignment {
  /** Tenant name to partition. */
  readonly partitions: ReadonlyMap<string, number>;
  readonly failures: readonly PartitionFailure[];
}

/** `0x0101` for a PKey, `101` for a VLAN. */
export function formatPartition(kind: PartitionKind, id: number): string {
  return kind === 'pkey' ? `0x${id.toString(16).padStart(4, '0')}` : String(id);
}

/** Gives every tenant its own partition of `kind`. */
export function assignPartitions(kind: PartitionKind, tenants: readonly PartitionRequest[]): PartitionAssignment {
  const { min, max } = PARTITION_RANGE[kind];
  const show = (id: number) => formatPartition(kind, id);
  const label = kind === 'pkey' ? 'partition key' : 'VLAN';
  const owner = new Map<number, string>();
  const partitions = new Map<string, number>();
  const failures: PartitionFailure[] = [];

  tenants.forEach((t, i) => {
    const id = t.fabricPartition;
    if (id === undefined) return;
    if (!Number.isInteger(id) || id < min || id > max) {
      failures.push({
        code: 'fabric-partition-out-of-range',
        tenant: i,
        message: `${label} ${show(id)} of tenant "${t.name}" is outside ${show(min)}-${show(max)}`,
        fix: `use a ${label} from ${show(min)} to ${show(max)}, or remove fabricPartition to have one assigned`,
      });
      return;
    }
    const taken = owner.get(id);
    if (taken !== undefined) {
      failures.push({
        code: 'duplicate-fabric-partition',
        tenant: i,
        message: `${label} ${show(id)} of tenant "${t.name}" is tenant "${taken}"'s too; tenants never share a partition`,
        fix: `give tenant "${t.name}" another fabricPartition, or remove it to have a free one assigned`,
      });
      return;
    }
    owner.set(id, t.name);
    partitions.set(t.name, id);
  });

  const slots = max - AUTO_MIN + 1;
  const auto = tenants.map((t, i) => [t, i] as const).filter(([t]) => t.fabricPartition === undefined);
  auto.sort(([a], [b]) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [t, i] of auto) {
    let id = AUTO_MIN + (fnv1a(t.name) % slots);
    let probes = 0;
    while (owner.has(id) && probes < slots) {
      id = id === max ? AUTO_MIN : id + 1;
      probes++;
    }
    if (owner.has(id)) {
      failures.push({
        code: 'fabric-partitions-exhausted',
        tenant: i,
        message: `no ${label} is left for tenant "${t.name}" (${show(AUTO_MIN)}-${show(max)} are all taken)`,
        fix: 'remove tenants, or move some to another fabric',
      });
      continue;
    }
    owner.set(id, t.name);
    partitions.set(t.name, id);
  }
  return { partitions, failures };
}

/** 32-bit FNV-1a of a string: stable across runs and platforms. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
