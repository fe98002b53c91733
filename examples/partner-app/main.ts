import {
  addPolicy,
  ColossusApp,
  ColossusStack,
  Filesystem,
  GpuCatalog,
  GpuNodePool,
  Tenant,
  TenantGuards,
  TenantStorage,
} from 'colossus-cdktf';

// A GPU the built-in catalog does not know: added, not forked.
const catalog = GpuCatalog.builtIn().withSku({
  name: 'RTX-PRO-6000-96GB',
  productLabel: 'NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition',
  gpusPerNode: 8,
  gpuMemoryGB: 96,
  rdmaNicsPerNode: 4,
  nvlinkDomainGpus: 1,
  rackScale: false,
  defaultNodesPerRack: 4,
  kWPerNode: 7.2,
  cpuCoresPerNode: 128,
  memoryGiBPerNode: 1536,
  defaultDriverVersion: '580.95.05',
  migProfiles: { 'all-1g.24gb': 4, 'all-2g.48gb': 2, 'all-4g.96gb': 1 },
});

// Writes the whole output (stacks, manifests, reports/summary.json) atomically, and keeps the record of
// protected data in acme-lab.protected.json beside this file: commit it, so no volume is ever lost.
const app = new ColossusApp({ cluster: 'acme-lab', outdir: 'cdktf.out' });
const platform = new ColossusStack(app, 'acme-platform', { kubeContext: 'acme-lab' });
// The admission policies that hold every tenant to its own pools, queues, priorities and Services.
new TenantGuards(platform, 'tenant-guards');
const pool = new GpuNodePool(platform, 'rtx', {
  name: 'acme-rtx',
  gpu: 'RTX-PRO-6000-96GB',
  nodes: 4,
  dedicatedTo: 'acme',
  catalog,
});
// A storage system of our own: any CSI driver, with its parameters.
const weka = new Filesystem(platform, 'weka', {
  name: 'acme-weka',
  kind: 'parallel-filesystem',
  csiDriver: 'csi.weka.io',
  parameters: { volumeType: 'dir/v1', filesystemName: 'acme' },
  capacityTiB: 500,
  throughputGBps: 200,
});

const tenantStack = new ColossusStack(app, 'acme-tenant-acme', { kubeContext: 'acme-lab' });
tenantStack.addDependency(platform);
const tenant = new Tenant(tenantStack, 'tenant', {
  name: 'acme',
  external: true,
  groups: ['acme:researchers'],
  gpuQuota: { 'acme-rtx': 32 },
  clusterName: 'acme-lab',
  kubernetesVersion: '1.33',
  pools: [pool.pool],
  // It holds the protected volume below: Terraform and GitOps never delete it either.
  protectedNamespaces: ['acme'],
});
new TenantStorage(tenantStack, 'storage', {
  name: 'acme',
  storage: [
    {
      filesystem: 'acme-weka',
      capacityTiB: 200,
      volumes: [{ name: 'checkpoints', purpose: 'checkpoints', capacityTiB: 50 }],
    },
  ],
  filesystems: [weka.filesystem],
});

// An object of our own next to the tenant's isolation bundle: egress to our model mirror.
tenant.add({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-model-mirror', namespace: 'acme' },
  spec: {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
  },
});

// Our site rule, checked on every object at synth: nothing of ours outside acme's namespaces.
addPolicy(app, {
  name: 'acme-namespaces-only',
  check: (object) => {
    const namespace = object.metadata.namespace;
    return namespace === undefined || namespace.startsWith('acme')
      ? undefined
      : `namespace "${namespace}" is not acme's`;
  },
});

app.synth();
