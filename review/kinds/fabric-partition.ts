/**
 * Fabric partitions: the objects that carve a tenant a piece of the GPU fabric (InfiniBand partition keys,
 * SR-IOV and CNI VLANs, NVLink compute domains). Each partition belongs to one tenant; changing or removing
 * one moves or opens a tenant's traffic.
 */
import { KnownKindName } from '../../model/kinds';
import { KubeObject, LABELS } from '../../model/kube';
import { compare, OutputObject } from '../read-output';
import { Tenancy } from '../tenancy';
import { AuditContext, high, KindReview } from './rule';

/** Kinds that carve a tenant a piece of the GPU fabric (the NVIDIA network operator's too, which we do not emit). */
export const FABRIC_PARTITION_KINDS: readonly KnownKindName[] = [
  'NetworkAttachmentDefinition',
  'SriovNetwork',
  'SriovIBNetwork',
  'IPoIBNetwork',
  'HostDeviceNetwork',
  'MacvlanNetwork',
  'ComputeDomain',
];

/**
 * The fabric partition an object joins: `pkey:0x0002` (InfiniBand partition key in a CNI config),
 * `vlan:120` (SR-IOV or CNI VLAN), or undefined when it names none.
 */
export function partitionKey(object: KubeObject): string | undefined {
  if (!(FABRIC_PARTITION_KINDS as readonly string[]).includes(object.kind)) return undefined;
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const found = (config: Record<string, unknown>): string | undefined => {
    if (config.pkey !== undefined) return `pkey:${normalizeKey(config.pkey)}`;
    if (typeof config.vlan === 'number' && config.vlan > 0) return `vlan:${config.vlan}`;
    for (const plugin of (config.plugins as Record<string, unknown>[] | undefined) ?? []) {
      const key = found(plugin);
      if (key) return key;
    }
    return undefined;
  };
  if (typeof spec.config === 'string') {
    try {
      return found(JSON.parse(spec.config) as Record<string, unknown>);
    } catch {
      return undefined;
    }
  }
  return found(spec);
}

function normalizeKey(v: unknown): string {
  const n = typeof v === 'number' ? v : Number(String(v));
  return Number.isFinite(n) ? `0x${n.toString(16).padStart(4, '0')}` : String(v);
}

/** The namespace a fabric object serves: SR-IOV networks name it in `spec.networkNamespace`. */
export function partitionNamespace(object: KubeObject): string | undefined {
  const ns = (object.spec as { networkNamespace?: string } | undefined)?.networkNamespace;
  return ns ?? object.metadata.namespace;
}

/** Shared or cross-tenant fabric partitions in `output` objects: partition key to its tenants. */
export function partitionTenants(objects: readonly OutputObject[], tenancy: Tenancy): Map<string, string[]> {
  const owners = new Map<string, Set<string>>();
  for (const { object, kubernetes } of objects) {
    if (!kubernetes) continue;
    const key = partitionKey(object);
    if (key === undefined) continue;
    const tenant =
      object.metadata.labels?.[LABELS.tenant] ?? tenancy.ownerOf(partitionNamespace(object)) ?? '(no tenant)';
    owners.set(key, (owners.get(key) ?? new Set()).add(tenant));
  }
  return new Map([...owners].map(([k, v]) => [k, [...v].sort(compare)]));
}

function partitionChange(base: KubeObject, head: KubeObject): string {
  const [a, b] = [partitionKey(base), partitionKey(head)];
  const [na, nb] = [partitionNamespace(base), partitionNamespace(head)];
  const parts: string[] = [];
  if (a !== b) parts.push(`partition ${a ?? 'none'} -> ${b ?? 'none'}`);
  if (na !== nb) parts.push(`namespace ${na ?? 'none'} -> ${nb ?? 'none'}`);
  return parts.length ? `: ${parts.join(', ')}` : '';
}

/** Each fabric partition (InfiniBand PKey, VLAN) belongs to one tenant. */
function audit(ctx: AuditContext): void {
  for (const [key, tenants] of partitionTenants(ctx.output.objects, ctx.tenancy)) {
    if (tenants.length < 2) continue;
    ctx.findings.push({
      stack: '(output)',
      object: `partition/${key}`,
      code: 'fabric-partition-shared',
      message: `fabric partition ${key} is used by ${tenants.join(', ')}`,
      fix: 'give each tenant its own partition (spec: tenants[].fabricPartition, or leave it unset to have one assigned)',
    });
  }
}

export const fabricPartitionReview: KindReview = {
  kinds: FABRIC_PARTITION_KINDS,
  // Any change to a partition object is high: it moves a tenant's traffic or the namespace it serves.
  changed: (base, head) => [high(`fabric partition changed${partitionChange(base, head)}`)],
  removed: { risks: () => [high('fabric partition removed')] },
  audit,
};
