/**
 * The JSON Schema of a cluster spec: the one source of truth for the spec's structure.
 *
 * `validateSchema` (spec/validate.ts) interprets it to report structural errors with their
 * fixes; `npm run schema` writes it to schema/cluster.schema.json for editors. The `x-fix`
 * keyword carries the hint shown when a value does not match.
 */
import { ENDPOINT_PROPERTIES } from './endpoint-schema';
import { cellsSchema } from './cells-schema';
import { clusterCidrSchemas, fabricPartitionSchema, fabricSchema } from './fabric-schema';
import { sitePhysicsSchemas } from './site-schema';
import { defaultsTo, tsType } from './schema-annotations';
import { dnsLabel, kubeconfigFile, kubeContext, objectOf } from './schema-fields';

/** The subset of JSON Schema (draft 2020-12) this project writes and interprets. */
export interface JsonSchema {
  readonly $schema?: string;
  readonly $id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly enum?: readonly (string | number | boolean)[];
  readonly const?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly default?: unknown;
  /** How to fix a value that does not match (shown with the error). */
  readonly 'x-fix'?: string;
  /** Name of the TypeScript type spec/types.ts declares for this schema (see spec/ts-type.ts). */
  readonly 'x-ts-type'?: string;
  /** TSDoc of that type. */
  readonly 'x-ts-doc'?: string;
}

const count = (description: string, maximum: number): JsonSchema => ({
  type: 'integer',
  description,
  minimum: 1,
  maximum,
  'x-fix': `use a whole number from 1 to ${maximum}`,
});

const positive = (description: string, maximum: number): JsonSchema => ({
  type: 'number',
  description,
  exclusiveMinimum: 0,
  maximum,
  'x-fix': `use a number above 0 and at most ${maximum}`,
});

const objectQuota = objectOf(
  "Object count limits per tenant namespace (ResourceQuota count/*). Default: each field's default.",
  {
    pods: count(
      'Pods per namespace. Default: one per GPU the namespace may use (a full-pool job at one GPU per pod), plus 10,000.',
      10_000_000,
    ),
    services: {
      ...count('Services per namespace (LoadBalancer and NodePort ones are never allowed).', 100_000),
      default: 100,
    },
    configMaps: { ...count('ConfigMaps per namespace.', 100_000), default: 1000 },
    secrets: { ...count('Secrets per namespace.', 100_000), default: 1000 },
    persistentVolumeClaims: { ...count('PersistentVolumeClaims per namespace.', 100_000), default: 200 },
  },
  [],
  tsType('ObjectQuotaSpec', 'Object count limits per namespace (ResourceQuota `count/...`).'),
);

const osImage = (description: string): JsonSchema =>
  objectOf(
    description,
    {
      url: {
        type: 'string',
        description: 'Where Ironic downloads the image.',
        pattern: '^https?://[^\\s]+$',
        'x-fix': 'use an http(s) URL',
      },
      checksum: {
        type: 'string',
        description: 'Checksum of the image, or the URL of a checksum file.',
        minLength: 1,
        pattern: '^[^\\s]+$',
        'x-fix': 'write the checksum (hex) or the URL of the checksum file',
      },
      checksumType: {
        type: 'string',
        description: 'Algorithm of the checksum.',
        enum: ['sha256', 'sha512'],
        default: 'sha256',
      },
      diskFormat: { type: 'string', description: 'Format of the image.', enum: ['raw', 'qcow2'], default: 'raw' },
      architecture: {
        ...tsType(
          'CpuArchitecture',
          'CPU architecture of a host and of the OS image written to it (Go and Kubernetes names).',
        ),
        type: 'string',
        description: 'CPU architecture the image is built for (GB200 and GB300 trays are arm64).',
        enum: ['amd64', 'arm64'],
        default: 'amd64',
      },
    },
    ['url', 'checksum'],
    tsType('OsImageSpec', 'A disk image Metal3 writes to a host.'),
  );

const nodePool = objectOf(
  'A pool of identical GPU systems.',
  {
    name: dnsLabel('Pool name; also the Kueue ResourceFlavor name.', 40),
    gpu: {
      type: 'string',
      description:
        'GPU system from the catalog (H100-SXM5-80GB, H200-SXM-141GB, B200-SXM-180GB, GB200-NVL72, GB300-NVL72).',
      minLength: 1,
    },
    nodes: defaultsTo(
      count('Number of nodes (HGX systems). Exactly one of nodes and racks.', 1_000_000),
      'racks x nodesPerRack',
    ),
    racks: defaultsTo(
      count('Number of racks (required for NVL72 systems). Exactly one of nodes and racks.', 100_000),
      'enough racks for nodes',
    ),
    nodesPerRack: count('Nodes per rack. Default: the catalog figure (8 for HGX, 18 trays for NVL72).', 64),
    racksPerBlock: { ...count('Racks per block, the unit of rollout and scheduling locality.', 1024), default: 8 },
    driverVersion: {
      type: 'string',
      description: "NVIDIA driver version for the pool's nodes. Default: the catalog's driver for the SKU.",
      pattern: '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$',
      'x-fix': 'use a driver version like "580.95.05"',
    },
    dedicatedTo: defaultsTo(
      dnsLabel('Tenant owning the pool exclusively; its nodes are tainted for that tenant.', 40),
      'shared by every tenant with quota on it',
    ),
    migProfile: {
      type: 'string',
      description: 'MIG layout for every GPU of the pool (mig-parted config such as all-1g.10gb). Default: MIG off.',
      pattern: '^all-[0-9]g\\.[0-9]+gb$',
      'x-fix': 'use a layout like "all-1g.10gb" from the catalog entry of the pool\'s GPU',
    },
    site: dnsLabel("Site the pool stands in (a name from spec.sites). Default: the cluster's only site."),
    maxUnavailable: count(
      'Nodes of one block a rollout takes down at once. Default: the whole block (rack-scale pools: only the whole block).',
      65_536,
    ),
    blocksAtOnce: {
      ...count(
        'Blocks a rollout wave, a GPU driver upgrade or an SR-IOV reconfiguration of this pool disrupts at once.',
        10_000,
      ),
      default: 1,
    },
    image: osImage("OS image of the pool's hosts. Default: spec.management.image."),
    railPciAddresses: {
      type: 'array',
      description:
        "PCI addresses of the rail NICs on the pool's nodes, rail 0 first; renamed to the rail names by a NicInterfaceNameTemplate. Required on a fabric without railInterfaces. Default: none.",
      items: {
        type: 'string',
        pattern: '^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$',
        'x-fix': 'write a PCI address like "0000:1a:00.0" (lspci -D)',
      },
      minItems: 1,
      maxItems: 16,
      uniqueItems: true,
    },
  },
  ['name', 'gpu'],
  tsType('NodePoolSpec', 'A pool of identical GPU systems.'),
);

const capacityTiB = (description: string): JsonSchema => positive(`${description}, TiB.`, 10_000_000);

const filesystem = objectOf(
  'A filesystem the cluster offers, emitted as one StorageClass of the same name.',
  {
    name: dnsLabel('Filesystem name; also the StorageClass (and VolumeSnapshotClass) name.'),
    kind: {
      ...tsType('FilesystemKind', "What a filesystem is; decides its StorageClass's binding mode and reclaim policy."),
      type: 'string',
      description:
        'parallel-filesystem and nfs: shared, reclaimPolicy Retain; local-nvme: node-local scratch, WaitForFirstConsumer.',
      enum: ['parallel-filesystem', 'nfs', 'local-nvme'],
    },
    csiDriver: {
      type: 'string',
      description: 'CSI driver provisioning the volumes (the StorageClass provisioner), for example csi.vastdata.com.',
      pattern: '^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$',
      minLength: 1,
      maxLength: 63,
      'x-fix': 'use the CSI driver name as the driver registers it, for example "csi.vastdata.com"',
    },
    parameters: {
      type: 'object',
      description: 'Driver parameters, passed to the StorageClass unchanged. Default: none.',
      propertyNames: {
        type: 'string',
        pattern: '^[A-Za-z0-9][-A-Za-z0-9_./]*$',
        maxLength: 253,
        'x-fix': "use the parameter name the driver documents (letters, digits, '-', '_', '.', '/')",
      },
      additionalProperties: {
        type: 'string',
        maxLength: 1024,
        'x-fix': 'quote the value: StorageClass parameters are strings',
      },
    },
    capacityTiB: capacityTiB('Usable capacity (for local NVMe: the sum over all nodes)'),
    throughputGBps: positive('Aggregate write throughput, GB/s.', 10_000_000),
    snapshots: {
      type: 'boolean',
      description: 'The driver takes CSI snapshots: emit a VolumeSnapshotClass with deletionPolicy Retain.',
      default: false,
    },
    mountOptions: {
      type: 'array',
      description:
        "Mount options of the volumes (StorageClass mountOptions), for example nconnect=16. Default: the driver's.",
      items: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        pattern: '^[^\\s,]+$',
        'x-fix': 'write one option per item, without spaces or commas, for example "nconnect=16"',
      },
      maxItems: 32,
      uniqueItems: true,
    },
  },
  ['name', 'kind', 'csiDriver', 'capacityTiB', 'throughputGBps'],
  tsType('FilesystemSpec', 'A filesystem the cluster offers, emitted as one StorageClass of the same name.'),
);

const checkpoint = objectOf(
  "Checkpoint bandwidth model: GPUs x stateGBPerGpu / targetSeconds GB/s per tenant, on its checkpoint filesystems. Default: each field's default.",
  {
    stateGBPerGpu: { ...positive('Checkpoint state each GPU writes, GB.', 10_000), default: 4 },
    targetSeconds: { ...positive('Seconds a checkpoint may take.', 86_400), default: 120 },
    enforce: {
      type: 'boolean',
      description: "Fail synthesis when a filesystem's checkpoint demand exceeds its throughput (else a warning).",
      default: false,
    },
  },
  [],
  tsType(
    'CheckpointSpec',
    'The checkpoint bandwidth model: a tenant checkpointing all its GPUs at once needs GPUs x stateGBPerGpu / targetSeconds GB/s from the filesystems holding its checkpoint volumes.',
  ),
);

const tenantVolume = objectOf(
  'A tenant volume: one PersistentVolumeClaim, protected from deletion.',
  {
    name: dnsLabel('Volume name; the PersistentVolumeClaim name.'),
    purpose: {
      ...tsType('VolumePurpose', 'What a tenant volume holds; decides its access modes.'),
      type: 'string',
      description: 'What the volume holds: datasets (read-mostly, shared) or checkpoints.',
      enum: ['datasets', 'checkpoints'],
    },
    capacityTiB: capacityTiB('Size of the volume'),
    allowDataDeletion: {
      type: 'boolean',
      description:
        'Lift the protection (prevent_destroy, GitOps prune guards, retention when removed from the spec); set it and apply before removing a volume whose data may go.',
      default: false,
    },
  },
  ['name', 'purpose', 'capacityTiB'],
  tsType('TenantVolumeSpec', 'A tenant volume: one PersistentVolumeClaim.'),
);

const tenantStorage = objectOf(
  "A tenant's share of one filesystem in one of its namespaces.",
  {
    filesystem: dnsLabel('Name of a filesystem in spec.storage.'),
    capacityTiB: capacityTiB("The share: the namespace's ResourceQuota on the filesystem's StorageClass"),
    namespace: dnsLabel("Namespace of the share and its volumes. Default: the tenant's first namespace."),
    volumes: {
      type: 'array',
      description: 'PersistentVolumeClaims created on the share. Default: none.',
      items: tenantVolume,
      maxItems: 100,
    },
  },
  ['filesystem', 'capacityTiB'],
  tsType('TenantStorageSpec', "A tenant's share of one filesystem in one of its namespaces."),
);

const tenant = objectOf(
  'A tenant: a team or external lab with hard isolation from the others.',
  {
    name: dnsLabel('Tenant name.', 40),
    external: {
      type: 'boolean',
      description: 'An external party: never granted anything cluster-scoped.',
      default: false,
    },
    groups: {
      type: 'array',
      description: "Identity-provider groups bound to the tenant's role in its namespaces.",
      items: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        pattern: '^[^\\s]+$',
        'x-fix': 'use the group name as the identity provider sends it, without spaces',
      },
      minItems: 1,
      uniqueItems: true,
    },
    namespaces: {
      type: 'array',
      description: 'Namespaces owned by the tenant. Default: one namespace named after the tenant.',
      items: dnsLabel('Namespace name.'),
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
    },
    gpuQuota: {
      type: 'object',
      description: 'GPUs per node pool (pool name to GPU count).',
      propertyNames: dnsLabel('Pool name.', 40),
      additionalProperties: {
        type: 'integer',
        minimum: 0,
        maximum: 100_000_000,
        'x-fix': 'use a whole number of GPUs from 0 to 100000000',
      },
    },
    priority: {
      ...tsType('TenantPriority', "Relative scheduling priority of a tenant's workloads."),
      type: 'string',
      description: "Priority of the tenant's workloads.",
      enum: ['low', 'normal', 'high', 'critical'],
      default: 'normal',
    },
    canBorrow: {
      type: 'boolean',
      description: 'May borrow idle GPUs from its cohort. Default: true for internal tenants, false for external ones.',
    },
    cohort: dnsLabel('Kueue cohort. Default: "<cluster>-shared" for tenants that can borrow, none otherwise.'),
    podSecurity: {
      // Strictest first: the review ranks the levels by their place in this list.
      ...tsType('PodSecurityLevel', "Pod Security Standard level enforced on a tenant's namespaces."),
      type: 'string',
      description:
        "Pod Security level enforced on the tenant's namespaces; other than restricted is reported by the audit.",
      enum: ['restricted', 'baseline', 'privileged'],
      default: 'restricted',
    },
    objectQuota,
    servingNamespaces: {
      type: 'array',
      description:
        'Namespaces of the tenant serving inference: they accept traffic from the ingress-gateway namespace. Default: none.',
      items: dnsLabel('Namespace name.'),
      maxItems: 100,
      uniqueItems: true,
    },
    storage: {
      type: 'array',
      description: "The tenant's filesystem shares and volumes. Default: none (no declared filesystem may be claimed).",
      items: tenantStorage,
      maxItems: 100,
    },
    fabricPartition: fabricPartitionSchema,
    offboard: {
      type: 'boolean',
      description:
        "Offboarding: the tenant's stack is kept with no objects, so deploying it destroys them, and its volumes (and the namespaces holding them) are forgotten, not destroyed. Remove the tenant once that stack is deployed.",
      default: false,
    },
  },
  ['name', 'groups', 'gpuQuota'],
  tsType('TenantSpec', 'A tenant: a team or an external lab with hard isolation from the others.'),
);

const site = objectOf(
  'A physical site and its power envelope.',
  {
    name: dnsLabel('Site name.'),
    powerBudgetMW: defaultsTo(
      positive('Power available to the site, MW (required on the ground; the arrays set it in orbit).', 100_000),
      'none on an orbital site',
    ),
    maxRackKW: positive('Power one rack may draw, kW.', 10_000),
    overheadFactor: {
      type: 'number',
      description:
        "Multiplier on the GPU racks' draw for CPU, storage and network racks and cooling (with pue: the other IT racks only).",
      minimum: 1,
      maximum: 3,
      default: 1.2,
      'x-fix': 'use a factor from 1 (GPU racks only) to 3, for example 1.2',
    },
    ...sitePhysicsSchemas,
  },
  // powerBudgetMW is required of ground sites only (spec/check-power.ts).
  ['name', 'maxRackKW'],
  tsType('SiteSpec', 'The physical site: the power and cooling envelope.'),
);

const kubernetesVersion = (description: string): JsonSchema => ({
  type: 'string',
  description,
  pattern: '^v1\\.[0-9]{2}\\.[0-9]+$',
  'x-fix': 'write the full version with its patch, for example "v1.33.4"',
});

const management = objectOf(
  'The management cluster (Cluster API and Metal3) that provisions the nodes. Default: no management stack.',
  {
    context: kubeContext('kubeconfig context of the management cluster.'),
    kubeconfig: kubeconfigFile("kubeconfig file holding the context. Default: the workload cluster's kubeconfig."),
    namespace: dnsLabel('Namespace of the Cluster API objects and BareMetalHosts. Default: the cluster name.'),
    kubernetesVersion: kubernetesVersion('Full Kubernetes version of the machines, for example "v1.33.4".'),
    controlPlaneEndpoint: objectOf(
      'API endpoint of the workload cluster (VIP or load balancer).',
      { ...ENDPOINT_PROPERTIES },
      ['host'],
    ),
    controlPlaneReplicas: {
      type: 'integer',
      description: 'Control-plane machines (odd, for etcd quorum).',
      enum: [1, 3, 5],
      default: 3,
    },
    image: osImage('OS image Ironic writes to every host (unless its pool names its own).'),
    rollout: objectOf(
      'A change of image or Kubernetes version moving wave by wave: blocks below wave x blocksAtOnce of every pool run the settings above, the rest keep `from`. Default: none (every block runs the settings above).',
      {
        from: objectOf('Settings the blocks not yet rolled keep (at least one).', {
          image: osImage('Image of the blocks not yet rolled. Default: management.image.'),
          kubernetesVersion: kubernetesVersion(
            'Kubernetes version of the blocks not yet rolled. Default: management.kubernetesVersion.',
          ),
        }),
        wave: {
          type: 'integer',
          description: 'Waves applied so far; 0 starts with no block moved, each deploy adds one.',
          minimum: 0,
          maximum: 100_000,
          'x-fix': 'use a whole number from 0 (no block moved yet)',
        },
      },
      ['from', 'wave'],
      tsType(
        'RolloutSpec',
        'A staged rollout of the machines\' image or Kubernetes version (see README "Operations").',
      ),
    ),
  },
  ['context', 'kubernetesVersion', 'controlPlaneEndpoint', 'image'],
  tsType(
    'ManagementSpec',
    'The management cluster (Cluster API v1.14 with Metal3 CAPM3 v1.13 installed) that provisions the nodes.',
  ),
);

const minutes = (description: string, dflt: number): JsonSchema => ({
  ...positive(`${description}, minutes.`, 10_080),
  default: dflt,
});

const operations = objectOf(
  "Day-2 times per node; the summary and colossus diff estimate rollouts, driver upgrades and SR-IOV changes from them. Default: each field's default.",
  {
    drainMinutes: minutes("Time to evict a node's pods", 15),
    rebootMinutes: minutes('Time to reboot a host', 15),
    reimageMinutes: minutes('Time to deprovision a host, write the image, boot and join', 60),
    driverMinutes: minutes('Time to unload and load the GPU driver on a drained node', 10),
  },
  [],
  tsType(
    'OperationsSpec',
    'Day-2 figures: how long one node takes to drain, reboot, reimage and reload its GPU driver.',
  ),
);

/** The JSON Schema of a cluster spec file. */
export const CLUSTER_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://colossus.dev/schema/cluster.schema.json',
  title: 'colossus-cdktf Cluster',
  ...objectOf(
    'A GPU cluster declared for colossus-cdktf.',
    {
      apiVersion: {
        type: 'string',
        const: 'colossus.dev/v1alpha1',
        'x-fix': 'write apiVersion: colossus.dev/v1alpha1',
      },
      kind: { type: 'string', const: 'Cluster', 'x-fix': 'write kind: Cluster' },
      metadata: objectOf('Cluster identity.', { name: dnsLabel('Cluster name; prefixes every stack name.', 30) }, [
        'name',
      ]),
      spec: objectOf(
        'The declared cluster.',
        {
          kubernetes: objectOf(
            'The Kubernetes API of the workload cluster.',
            {
              version: {
                type: 'string',
                description: 'Kubernetes minor version, for example "1.33".',
                pattern: '^1\\.[0-9]{2}$',
                'x-fix': 'quote the minor version, for example version: "1.33"',
              },
              context: kubeContext('kubeconfig context the Terraform providers use.'),
              kubeconfig: {
                ...kubeconfigFile('kubeconfig file the providers read (never copied into the output).'),
                default: '~/.kube/config',
              },
              ...clusterCidrSchemas,
            },
            ['version', 'context'],
            tsType('KubernetesSpec', "The workload cluster's Kubernetes API."),
          ),
          backend: objectOf(
            "Where Terraform keeps each stack's state. Default: local files.",
            {
              kind: { type: 'string', enum: ['local', 'kubernetes'], default: 'local' },
              path: {
                type: 'string',
                description: 'Directory of local state files, relative to where cdktf runs.',
                pattern: '^(?!/)(?!.*\\.\\.)[A-Za-z0-9._/-]+$',
                default: 'state',
                'x-fix': 'use a relative path without "..", for example "state"',
              },
              namespace: {
                ...dnsLabel('Namespace of the state Secrets (kubernetes backend).'),
                default: 'terraform-state',
              },
            },
            ['kind'],
            tsType('BackendSpec', "Where Terraform keeps each stack's state."),
          ),
          site: {
            ...site,
            description:
              'The physical site and its power envelope. Exactly one of site and sites. Default: none (sites is given).',
          },
          sites: {
            type: 'array',
            description:
              'The sites of a cluster spanning several; each pool names its own. Exactly one of site and sites. Default: none (site is given).',
            items: site,
            minItems: 1,
            maxItems: 64,
          },
          management,
          nodePools: { type: 'array', description: 'GPU node pools.', items: nodePool, minItems: 1, maxItems: 256 },
          tenants: {
            type: 'array',
            description: 'Tenants sharing the cluster.',
            items: tenant,
            minItems: 1,
            maxItems: 256,
          },
          allowOvercommit: {
            type: 'boolean',
            description: "Allow the tenants' GPU quota on a pool to exceed the pool's GPUs.",
            default: false,
          },
          storage: {
            type: 'array',
            description:
              'Filesystems the cluster offers (parallel filesystems, NFS, local NVMe scratch). Default: none.',
            items: filesystem,
            maxItems: 64,
          },
          checkpoint,
          fabric: fabricSchema,
          operations,
          cells: cellsSchema,
        },
        ['kubernetes', 'nodePools', 'tenants'],
        tsType('ClusterSpec', 'The declared cluster.'),
      ),
    },
    ['apiVersion', 'kind', 'metadata', 'spec'],
    tsType('ClusterSpecDocument', 'Top-level document of a cluster spec file.'),
  ),
};
