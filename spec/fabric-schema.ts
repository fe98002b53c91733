/**
 * JSON Schema of the fabric parts of a cluster spec: `spec.fabric`, the pod and service ranges of
 * `spec.kubernetes`, and a tenant's `fabricPartition`. Merged into CLUSTER_SCHEMA (spec/schema.ts).
 */
import type { JsonSchema } from './schema';
import { defaultsTo, tsType } from './schema-annotations';

/** An IPv4 CIDR; octet and prefix ranges are checked semantically (the fabric planner, fabric/planner.ts). */
export const cidrSchema = (description: string): JsonSchema => ({
  type: 'string',
  description,
  pattern: '^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$',
  'x-fix': 'write an IPv4 range like "100.64.0.0/10"',
});

/** An integer field from `minimum` to `maximum`, with its fix. */
export const whole = (description: string, minimum: number, maximum: number): JsonSchema => ({
  type: 'integer',
  description,
  minimum,
  maximum,
  'x-fix': `use a whole number from ${minimum} to ${maximum}`,
});

const gbps = (description: string): JsonSchema => ({
  type: 'integer',
  description,
  enum: [100, 200, 400, 800, 1600],
  'x-fix': 'use a link speed in Gb/s: 100, 200, 400, 800 or 1600',
});

/** `spec.fabric`. */
export const fabricSchema: JsonSchema = {
  ...tsType('FabricSpec', 'The rail-optimized RDMA compute fabric: one NIC per GPU, one rail per NIC index.'),
  type: 'object',
  description: 'The rail-optimized RDMA compute fabric. Default: none (no fabric objects, no Kueue Topology).',
  additionalProperties: false,
  required: ['kind', 'linkGbps', 'switch', 'railCIDR'],
  properties: {
    kind: {
      ...tsType('FabricKind', 'Compute fabric technology.'),
      type: 'string',
      description: 'Fabric technology: Spectrum-X Ethernet (RoCE) or InfiniBand.',
      enum: ['spectrum-x', 'infiniband'],
    },
    linkGbps: gbps('Speed of each GPU NIC, Gb/s.'),
    switch: {
      ...tsType('FabricSwitchSpec', 'A switch model of the compute fabric.'),
      type: 'object',
      description: 'The switch model every tier is built from.',
      additionalProperties: false,
      required: ['model', 'ports', 'portGbps'],
      properties: {
        model: { type: 'string', description: 'Model name (SN5600, QM9700).', minLength: 1, maxLength: 64 },
        ports: whole('Ports per switch at portGbps (SN5600: 128 x 400G; QM9700: 64 x 400G).', 4, 1024),
        portGbps: gbps('Speed of one switch port, Gb/s; equal to linkGbps.'),
      },
    },
    oversubscription: {
      type: 'number',
      description: 'Leaf downlinks per uplink; 1 is non-blocking.',
      minimum: 1,
      maximum: 16,
      default: 1,
      'x-fix': 'use a ratio from 1 (non-blocking) to 16',
    },
    maxTiers: { ...whole('Most switch tiers (leaf, spine, core) the design may use.', 1, 3), default: 3 },
    nodesPerScalableUnit: whole(
      "Nodes whose rail-k NICs share leaf switches; must equal every pool's block. Default: each pool's block.",
      1,
      100_000,
    ),
    railCIDR: cidrSchema('IPv4 range split into one equal range per rail.'),
    // Each such pod takes a virtual function of every rail NIC; ConnectX-7 and BlueField-3 offer at most 127.
    rdmaPodsPerNode: whole(
      'Pods per node attached to the fabric (addresses and virtual functions per node and rail). Default: GPUs per node.',
      1,
      127,
    ),
    railInterfaces: {
      type: 'array',
      description: 'Names of the rail NICs on every node, rail 0 first. Default: rail0, rail1, ...',
      items: {
        type: 'string',
        pattern: '^[A-Za-z0-9_.-]{1,15}$',
        'x-fix': 'use a Linux interface name: up to 15 letters, digits, ".", "_" or "-"',
      },
      minItems: 1,
      maxItems: 16,
      uniqueItems: true,
    },
  },
};

/** `spec.kubernetes.podCIDR` and `serviceCIDR`. */
export const clusterCidrSchemas: Record<string, JsonSchema> = {
  podCIDR: defaultsTo(
    cidrSchema('Pod network range; required with spec.fabric, whose rail ranges must not overlap it.'),
    'unknown',
  ),
  serviceCIDR: defaultsTo(
    cidrSchema('Service range; required with spec.fabric, whose rail ranges must not overlap it.'),
    'unknown',
  ),
};

/** A tenant's `fabricPartition`. */
export const fabricPartitionSchema: JsonSchema = whole(
  "The tenant's fabric partition, never shared with another tenant: InfiniBand PKey (1-0x7FFE, write 0x0101) or Ethernet VLAN (1-4094). Default: derived from the name.",
  1,
  0x7ffe,
);
