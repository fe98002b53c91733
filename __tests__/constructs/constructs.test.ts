/** GpuNodePool and Tenant: the objects they emit and the isolation they give. */
import { Testing } from 'cdktf';
import { GpuNodePool } from '../../constructs/gpu-node-pool';
import { Tenant } from '../../constructs/tenant';
import { resolvePool } from '../../model/cluster';
import { GpuCatalog } from '../../catalog/gpus';
import { KubeObject } from '../../model/kube';
import { ColossusStack } from '../../stacks/colossus-stack';

const catalog = GpuCatalog.builtIn();
const h100 = resolvePool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 64 }, catalog);
const gb200 = resolvePool({ name: 'gb200', gpu: 'GB200-NVL72', racks: 8, dedicatedTo: 'lab' }, catalog);

function stack(): ColossusStack {
  return new ColossusStack(Testing.app(), 'test', { kubeContext: 'ctx' });
}

const find = (objects: readonly KubeObject[], kind: string, name: string, namespace?: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === namespace);
  if (!o) throw new Error(`no ${kind} ${namespace ?? ''}/${name}`);
  return o as KubeObject & { spec: Record<string, any> } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('GpuNodePool', () => {
  it('labels nodes with the pool and GPU product, and taints them only when dedicated', () => {
    const s = stack();
    const shared = new GpuNodePool(s, 'h100', { name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 64 });
    const dedicated = new GpuNodePool(s, 'gb200', { name: 'gb200', gpu: 'GB200-NVL72', racks: 8, dedicatedTo: 'lab' });
    expect(shared.nodeLabels).toEqual({
      'colossus.dev/pool': 'h100',
      'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
    });
    expect(shared.taints).toEqual([]);
    expect(dedicated.taints).toEqual([{ key: 'colossus.dev/dedicated', value: 'lab', effect: 'NoSchedule' }]);
    expect(dedicated.pool).toMatchObject({ nodes: 144, gpus: 576, blocks: 1 });
  });

  it('emits a ResourceFlavor with tolerations only for a dedicated pool', () => {
    const s = stack();
    new GpuNodePool(s, 'h100', { name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 64 });
    new GpuNodePool(s, 'gb200', { name: 'gb200', gpu: 'GB200-NVL72', racks: 8, dedicatedTo: 'lab' });
    const shared = find(s.objects, 'ResourceFlavor', 'h100');
    expect(shared.spec).toEqual({ nodeLabels: { 'colossus.node-restriction.kubernetes.io/pool': 'h100' } });
    const dedicated = find(s.objects, 'ResourceFlavor', 'gb200');
    expect(dedicated.spec.nodeTaints).toEqual([{ key: 'colossus.dev/dedicated', value: 'lab', effect: 'NoSchedule' }]);
    expect(dedicated.spec.tolerations).toEqual([
      { key: 'colossus.dev/dedicated', operator: 'Equal', value: 'lab', effect: 'NoSchedule' },
    ]);
  });

  it("installs the pool's driver version on the pool's nodes only, tolerating its taint", () => {
    const s = stack();
    new GpuNodePool(s, 'gb200', {
      name: 'gb200',
      gpu: 'GB200-NVL72',
      racks: 8,
      dedicatedTo: 'lab',
      driverVersion: '570.1.2',
    });
    const driver = find(s.objects, 'NVIDIADriver', 'gb200');
    expect(driver.spec).toMatchObject({
      version: '570.1.2',
      default: false,
      driverType: 'gpu',
      nodeSelector: { 'colossus.dev/pool': 'gb200' },
      tolerations: [{ key: 'colossus.dev/dedicated', value: 'lab' }],
    });
  });

  it('adds the MIG layout as a node label and counts MIG instances as GPU devices', () => {
    const s = stack();
    const pool = new GpuNodePool(s, 'mig', { name: 'mig', gpu: 'H100-SXM5-80GB', nodes: 2, migProfile: 'all-1g.10gb' });
    expect(pool.nodeLabels['nvidia.com/mig.config']).toBe('all-1g.10gb');
    expect(pool.pool.devicesPerGpu).toBe(7);
  });

  it('fails outside a ColossusStack', () => {
    expect(() => new GpuNodePool(Testing.app(), 'x', { name: 'x', gpu: 'H100-SXM5-80GB', nodes: 1 })).toThrow(
      /must be created inside a ColossusStack/,
    );
  });
});

describe('Tenant', () => {
  const make = (props: Partial<ConstructorParameters<typeof Tenant>[2]> = {}) => {
    const s = stack();
    const tenant = new Tenant(s, 'tenant', {
      name: 'lab',
      groups: ['lab:admins', 'lab:users'],
      namespaces: ['lab-train', 'lab-infer'],
      gpuQuota: { h100: 256, gb200: 576 },
      clusterName: 'c1',
      kubernetesVersion: '1.33',
      pools: [h100, gb200],
      ...props,
    });
    return { objects: s.objects, tenant };
  };

  it('enforces the restricted Pod Security level on every namespace by default', () => {
    const { objects } = make();
    for (const ns of ['lab-train', 'lab-infer']) {
      expect(find(objects, 'Namespace', ns).metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.33',
        'colossus.dev/tenant': 'lab',
      });
    }
    const relaxed = make({ podSecurity: 'baseline' }).objects;
    expect(find(relaxed, 'Namespace', 'lab-train').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'baseline',
    );
  });

  it('denies all traffic by default and allows only its own namespaces and DNS', () => {
    const { objects } = make();
    const deny = find(objects, 'NetworkPolicy', 'default-deny-all', 'lab-train');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const same = find(objects, 'NetworkPolicy', 'allow-same-tenant', 'lab-infer');
    const own = {
      namespaceSelector: {
        matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['lab-train', 'lab-infer'] }],
      },
    };
    expect(same.spec.ingress).toEqual([{ from: [own] }]);
    expect(same.spec.egress).toEqual([{ to: [own] }]);
    const dns = find(objects, 'NetworkPolicy', 'allow-dns', 'lab-train');
    expect(dns.spec.egress[0].ports).toEqual([
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]);
    expect(dns.spec.egress[0].to[0].namespaceSelector).toEqual({
      matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
    });
  });

  it("caps each namespace with GPU, CPU, memory and object quotas derived from the tenant's GPUs", () => {
    const { objects } = make({ canBorrow: false });
    const quota = find(objects, 'ResourceQuota', 'tenant-quota', 'lab-train');
    // 256 H100 = 32 nodes x 112 cores, 2 TiB; 576 GB200 = 144 trays x 144 cores, 960 GiB.
    expect(quota.spec.hard).toMatchObject({
      'requests.nvidia.com/gpu': String(256 + 576),
      'requests.cpu': String(32 * 112 + 144 * 144),
      // 32 x 2048 + 144 x 960 = 203776 GiB, written as the API server writes it back (model/quantity.ts).
      'requests.memory': '199Ti',
      // One pod per GPU the namespace may use, plus 10,000.
      pods: String(256 + 576 + 10000),
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
    expect(find(objects, 'LimitRange', 'tenant-defaults', 'lab-train').spec.limits[0].defaultRequest).toEqual({
      cpu: '250m',
      memory: '1Gi',
    });
  });

  it('binds only its own groups, in its own namespaces, with no cluster-scoped grant', () => {
    const { objects } = make({ external: true });
    const binding = find(objects, 'RoleBinding', 'tenant-member', 'lab-infer');
    expect(binding.subjects.map((s: { name: string }) => s.name)).toEqual(['lab:admins', 'lab:users']);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tenant-member' });
    expect(objects.filter((o) => /^Cluster(Role|RoleBinding)$/.test(o.kind))).toEqual([]);
    const rules = find(objects, 'Role', 'tenant-member', 'lab-infer').rules as { resources: string[] }[];
    expect(rules.flatMap((r) => r.resources)).not.toContain('namespaces');
  });

  it('admits only its own namespaces to its ClusterQueue, with nominal quota per pool flavor', () => {
    const { objects } = make();
    const cq = find(objects, 'ClusterQueue', 'lab');
    expect(cq.spec.namespaceSelector.matchExpressions[0].values).toEqual(['lab-train', 'lab-infer']);
    const [group] = cq.spec.resourceGroups;
    // GB200 jobs claim ComputeDomain channels, which Kueue counts through its DRA device-class mapping.
    expect(group.coveredResources).toEqual(['cpu', 'memory', 'nvidia.com/gpu', 'nvidia.com/compute-domain-channel']);
    expect(group.flavors.map((f: { name: string }) => f.name)).toEqual(['h100', 'gb200']);
    expect(group.flavors[0].resources[2]).toEqual({ name: 'nvidia.com/gpu', nominalQuota: '256' });
    for (const ns of ['lab-train', 'lab-infer']) {
      expect(find(objects, 'LocalQueue', 'default', ns).spec).toEqual({ clusterQueue: 'lab' });
    }
  });

  it('borrows in the cluster cohort by default, and never when the spec forbids it', () => {
    const internal = find(make().objects, 'ClusterQueue', 'lab');
    expect(internal.spec.cohortName).toBe('c1-shared');
    expect(internal.spec.resourceGroups[0].flavors[0].resources[0].borrowingLimit).toBeUndefined();
    const external = find(make({ external: true }).objects, 'ClusterQueue', 'lab');
    expect(external.spec.cohortName).toBeUndefined();
    expect(JSON.stringify(external.spec)).not.toContain('borrowingLimit');
    const lender = find(make({ canBorrow: false, cohort: 'pool' }).objects, 'ClusterQueue', 'lab');
    expect(lender.spec.cohortName).toBe('pool');
    for (const r of lender.spec.resourceGroups[0].flavors[0].resources) expect(r.borrowingLimit).toBe('0');
  });

  it('maps the tenant priority to a WorkloadPriorityClass', () => {
    const wpc = find(make({ priority: 'high' }).objects, 'WorkloadPriorityClass', 'lab');
    expect(wpc.value).toBe(100000);
    expect(wpc.spec).toBeUndefined();
  });

  it('takes extra objects of its own', () => {
    const s = stack();
    const tenant = new Tenant(s, 'tenant', {
      name: 'lab',
      groups: ['g'],
      gpuQuota: {},
      clusterName: 'c',
      kubernetesVersion: '1.33',
      pools: [],
    });
    tenant.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'lab' } });
    expect(s.objects.map((o) => o.kind)).toContain('ConfigMap');
    expect(() =>
      tenant.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'lab' } }),
    ).toThrow(/declared twice/);
  });
});

describe('constructs composed in code', () => {
  const tenantProps = { clusterName: 'c', kubernetesVersion: '1.33', groups: ['g'] };

  it('fails props the spec schema would refuse, naming the field and the fix', () => {
    expect(() => new GpuNodePool(stack(), 'p', { name: 'Bad_Name', gpu: 'H100-SXM5-80GB', nodes: 0 })).toThrow(
      /test\/p: invalid node pool props:\n {2}error\[invalid-format\] name: "Bad_Name" .*\n {2}error\[out-of-range\] nodes: 0/,
    );
    expect(
      () => new Tenant(stack(), 't', { ...tenantProps, name: 't', gpuQuota: { h100: -1 }, pools: [h100] }),
    ).toThrow(/invalid tenant props:\n {2}error\[out-of-range\] gpuQuota\.h100: -1/);
  });

  it('fails synthesis when tenants together exceed a pool, unless the pool allows overcommit', () => {
    const build = (allowOvercommit: boolean) => {
      const platform = stack();
      new GpuNodePool(platform, 'h100', { name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 1, allowOvercommit });
      new Tenant(platform, 'a', {
        ...tenantProps,
        name: 'a',
        groups: ['a'],
        gpuQuota: { h100: 8 },
        pools: [resolvePool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 1 }, catalog)],
      });
      new Tenant(platform, 'b', {
        ...tenantProps,
        // Each its own group: a group bound by two tenants is refused (shared-group), as in a spec.
        name: 'b',
        groups: ['b'],
        gpuQuota: { h100: 4 },
        pools: [resolvePool({ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 1 }, catalog)],
      });
      return () => Testing.synth(platform, true);
    };
    expect(build(false)).toThrow(
      /\[test\/h100\].*error\[quota-exceeds-pool\] nodePools\[0\]: tenants are given 12 GPUs on pool "h100" \(a: 8, b: 4\), but it has 8/,
    );
    expect(build(true)).not.toThrow();
  });

  it('fails synthesis when a tenant quotes a pool dedicated to another, or an unknown pool', () => {
    const s = stack();
    new Tenant(s, 'other', { ...tenantProps, name: 'other', gpuQuota: { gb200: 72, h10: 8 }, pools: [gb200] });
    new Tenant(s, 'lab', { ...tenantProps, name: 'lab', gpuQuota: { gb200: 72 }, pools: [gb200] });
    expect(() => Testing.synth(s, true)).toThrow(
      /\[test\/other\] +error\[dedicated-pool-shared\] tenants\[0\]\.gpuQuota\.gb200: pool "gb200" is dedicated to tenant "lab"/,
    );
    expect(() => Testing.synth(s, true)).toThrow(/\[test\/other\] +error\[unknown-pool\] tenants\[0\]\.gpuQuota\.h10/);
  });
});
