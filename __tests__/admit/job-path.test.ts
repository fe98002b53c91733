/**
 * The job path's objects on the built-in example, each test named after the upstream code it rests on.
 * (What these objects mean for admission is in admit.test.ts.)
 */
import { parse } from 'yaml';
import { clusterDnsIp, ciliumValues, nodeLocalDnsObjects } from '../../operators/pod-network';
import { operatorReleases } from '../../operators/charts';
import { KUEUE_FRAMEWORKS } from '../../operators/kueue-config';
import { KubeObject, LABELS } from '../../model/kube';
import { CONTAINERD_MEMLOCK_DROP_IN } from '../../provisioning/cluster-api';
import { analyzeCells } from '../../cells/analysis';
import { loadSpecFile } from '../../spec/load';
import { LAB } from '../support/fixtures';
import { specIssues } from '../support/spec-issues';
import { ROOT, synthToTemp, SynthOutput } from '../support/synth';
import * as path from 'path';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

let out: SynthOutput;
beforeAll(() => {
  out = synthToTemp('examples/colossus-1.yaml');
});
/** Objects of the stacks whose names start with `prefix`: the whole example, a cell (`colossus-1-h100-c00-`), the manager. */
const objectsOf = (prefix: string): KubeObject[] =>
  out.stacks.filter((s) => s.startsWith(prefix)).flatMap((s) => out.yamlObjects(s));
/** Objects of `kind` (in `namespace`) in the example's first cell, or in the stacks of `prefix`. */
const ofKind = (kind: string, namespace?: string, prefix = 'colossus-1-h100-c00-') =>
  objectsOf(prefix).filter(
    (o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace),
  ) as Json[];
const cluster = () => loadSpecFile(path.join(ROOT, 'examples', 'colossus-1.yaml')).cluster;
/** The example's first cell, h100-c00, as the workload cluster its stacks deploy to. */
const firstCell = () => analyzeCells(cluster()).cellClusters![0].cluster;

describe('Kueue (v0.19.2)', () => {
  test('the controller config excludes nvidia.com/rail* from quota (pkg/workload/workload.go dropExcludedResources) and maps ComputeDomain channels (pkg/dra/claims.go)', () => {
    const kueue = operatorReleases(cluster()).find((r) => r.name === 'kueue')!;
    const config = parse((kueue.values as Json).managerConfig.controllerManagerConfigYaml);
    expect(config).toMatchObject({
      apiVersion: 'config.kueue.x-k8s.io/v1beta2',
      kind: 'Configuration',
      resources: {
        excludeResourcePrefixes: ['nvidia.com/rail'],
        deviceClassMappings: [
          {
            name: 'nvidia.com/compute-domain-channel',
            deviceClassNames: ['compute-domain-default-channel.nvidia.com'],
          },
        ],
      },
    });
    // The chart's own integrations stay (charts/kueue/values.yaml), JobSet, TrainJob and LeaderWorkerSet included.
    expect(config.integrations.frameworks).toEqual([...KUEUE_FRAMEWORKS]);
    // quotaCheckStrategy IgnoreUndeclared may not be combined with excludeResourcePrefixes (pkg/config/validation.go).
    expect(config.resources.quotaCheckStrategy).toBeUndefined();
  });

  test('a tenant that may borrow is in the cohort’s other pools’ cells at nominal 0, never in a pool dedicated to someone else (flavorassigner walks only the ClusterQueue’s flavors)', () => {
    const flavors = (name: string, prefix: string) =>
      ofKind('ClusterQueue', undefined, prefix)
        .find((o) => o.metadata.name === name)
        ?.spec.resourceGroups[0].flavors.map((f: Json) => [
          f.name,
          f.resources.find((r: Json) => r.name === 'nvidia.com/gpu').nominalQuota,
        ]);
    // In a cell: the tenants holding its pool's quota there, and the borrowers at 0.
    expect(flavors('grok', 'colossus-1-h100-c00-')).toEqual([['h100', '39936']]);
    expect(flavors('grok-research', 'colossus-1-h100-c00-')).toEqual([['h100', '0']]);
    expect(flavors('grok', 'colossus-1-h200-c00-')).toEqual([['h200', '0']]);
    expect(flavors('grok-research', 'colossus-1-h200-c00-')).toEqual([['h200', '39936']]);
    expect(flavors('anthropic', 'colossus-1-gb200-c00-')).toEqual([['gb200', '19584']]);
    expect(flavors('grok', 'colossus-1-gb200-c00-')).toBeUndefined();
    // On the manager: per tenant and pool, the cells' sums.
    expect(flavors('grok-h100', 'colossus-1-manager')).toEqual([['h100', '150016']]);
    expect(flavors('grok-h200', 'colossus-1-manager')).toEqual([['h200', '0']]);
    expect(flavors('grok-research-h200', 'colossus-1-manager')).toEqual([['h200', '50176']]);
    expect(flavors('anthropic-gb200', 'colossus-1-manager')).toEqual([['gb200', '30096']]);
    const cohort = (name: string, prefix: string) =>
      ofKind('ClusterQueue', undefined, prefix).find((o) => o.metadata.name === name)!.spec.cohortName;
    expect(cohort('grok', 'colossus-1-h200-c00-')).toBe(cohort('grok-research', 'colossus-1-h200-c00-'));
    expect(cohort('grok-h200', 'colossus-1-manager')).toBe(cohort('grok-research-h200', 'colossus-1-manager'));
  });

  test('pod quota fits a whole-cell job at one GPU per pod; the LimitRange defaults requests only (pkg/workload/resources.go applies LimitRange defaults too)', () => {
    const quota = ofKind('ResourceQuota', 'grok-train').find((o) => o.metadata.name === 'tenant-quota')!;
    // grok may borrow: its namespaces' ceiling in a cell is the cell's whole pool, 39,936 GPUs.
    expect(Number(quota.spec.hard.pods)).toBe(39936 + 10000);
    expect(Number(quota.spec.hard.pods)).toBeGreaterThanOrEqual(4992 * 8);
    const [limitRange] = ofKind('LimitRange', 'grok-train');
    expect(limitRange.spec.limits).toEqual([{ type: 'Container', defaultRequest: { cpu: '250m', memory: '1Gi' } }]);
  });
});

describe('NetworkPolicies of a tenant namespace', () => {
  const policy = (ns: string, name: string) => ofKind('NetworkPolicy', ns).find((o) => o.metadata.name === name);

  test('allow DNS through CoreDNS and NodeLocal DNSCache, the API server outside the pod and Service ranges, and metrics scrapes', () => {
    expect(policy('grok-train', 'allow-dns')!.spec.egress[0].to).toContainEqual({
      ipBlock: { cidr: '169.254.20.10/32' },
    });
    expect(policy('grok-train', 'allow-api-server')!.spec.egress).toEqual([
      {
        // The cell's pod and Service ranges.
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/11', '172.16.0.0/16'] } }],
        ports: [{ protocol: 'TCP', port: 6443 }],
      },
    ]);
    expect(policy('research', 'allow-metrics-scrape')!.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { [LABELS.namespaceName]: 'monitoring' } } }] },
    ]);
  });

  test('only serving namespaces accept the ingress gateway', () => {
    expect(policy('grok-infer', 'allow-ingress-gateway')!.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { [LABELS.namespaceName]: 'ingress-gateway' } } },
    ]);
    expect(policy('grok-train', 'allow-ingress-gateway')).toBeUndefined();
    expect(policy('anthropic-train', 'allow-ingress-gateway')).toBeUndefined();
  });

  test('a serving namespace must be one of the tenant’s', () => {
    const text = LAB.replace(
      'gpuQuota: { h100: 8 }\n    - name: partner',
      'gpuQuota: { h100: 8 }\n      servingNamespaces: [web]\n    - name: partner',
    );
    expect(specIssues(text)).toEqual([
      expect.objectContaining({ code: 'unknown-namespace', path: ['spec', 'tenants', 0, 'servingNamespaces', 0] }),
    ]);
  });
});

describe('GPU Operator v26.7.0, NVIDIA DRA driver v0.4.0, pod network', () => {
  test('every NVIDIADriver loads GPUDirect RDMA itself (internal/state/driver.go reads cr.Spec.GPUDirectRDMA), not the chart', () => {
    for (const driver of ofKind('NVIDIADriver'))
      expect(driver.spec.rdma).toEqual({ enabled: true, useHostMofed: false });
    const gpuOperator = operatorReleases(cluster()).find((r) => r.name === 'gpu-operator')!;
    expect((gpuOperator.values as Json).driver.rdma).toBeUndefined();
  });

  test('the DRA driver runs ComputeDomains only, on the NVL72 pool, after the GPU Operator', () => {
    const dra = operatorReleases(cluster()).find((r) => r.name === 'dra-driver-nvidia-gpu')!;
    expect(dra).toMatchObject({ chart: 'dra-driver-nvidia-gpu', version: '0.4.0', needs: ['gpu-operator'] });
    const values = dra.values as Json;
    expect(values.resources).toEqual({ gpus: { enabled: false }, computeDomains: { enabled: true } });
    expect(
      values.kubeletPlugin.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0],
    ).toEqual({ matchExpressions: [{ key: LABELS.pool, operator: 'In', values: ['gb200'] }] });
    // A cluster without NVL72 installs no DRA driver.
    expect(
      operatorReleases(loadSpecFile(path.join(ROOT, 'examples', 'lab.yaml')).cluster).map((r) => r.name),
    ).not.toContain('dra-driver-nvidia-gpu');
  });

  test('Cilium comes first, leaves the Multus config alone (cni.exclusive false) and takes node ranges from the podCIDR', () => {
    const releases = operatorReleases(firstCell());
    expect(releases[0].name).toBe('cilium');
    expect(releases.find((r) => r.name === 'node-feature-discovery')!.needs).toEqual(['cilium']);
    expect(releases[0].values).toMatchObject({
      ipam: { mode: 'kubernetes' },
      cni: { exclusive: false },
      // The cell's own API endpoint and pod range.
      k8sServiceHost: 'h100-c00.api.colossus-1.internal',
      k8sServicePort: 6443,
      ipv4NativeRoutingCIDR: '10.0.0.0/11',
    });
    expect(ciliumValues({}).ipam).toEqual({ mode: 'cluster-pool' });
  });

  test('NodeLocal DNSCache binds 169.254.20.10 and the cluster DNS address (the tenth of the Service range)', () => {
    expect(clusterDnsIp('10.192.0.0/16')).toBe('10.192.0.10');
    expect(clusterDnsIp('10.96.0.0/12')).toBe('10.96.0.10');
    const objects = nodeLocalDnsObjects(firstCell()) as Json[];
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Service', 'ConfigMap', 'DaemonSet']);
    expect(objects[3].spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(['-localip', '169.254.20.10,172.16.0.10']),
    );
    expect(objects[2].data.Corefile).toContain('bind 169.254.20.10 172.16.0.10');
    expect(ofKind('DaemonSet', 'kube-system').map((o) => o.metadata.name)).toEqual(['node-local-dns']);
    expect(nodeLocalDnsObjects({ kubernetes: { version: '1.33', context: 'c', kubeconfig: 'k' } })).toEqual([]);
  });
});

describe('machines (CAPM3 v1.13.2, CAPI v1.14)', () => {
  test('GB200 trays boot the arm64 image, HGX hosts the default one', () => {
    const images = Object.fromEntries(
      // Templates are named by their content (issue 17): `<block>-<8 hex>`.
      [...ofKind('Metal3MachineTemplate'), ...ofKind('Metal3MachineTemplate', undefined, 'colossus-1-gb200-c00-')].map(
        (t) => [t.metadata.name.replace(/-[0-9a-f]{8}$/, ''), t.spec.template.spec.image.url],
      ),
    );
    expect(images['gb200-b000']).toBe('https://images.colossus-1.internal/ubuntu-24.04-gpu-arm64.raw');
    expect(images['h100-b000']).toBe('https://images.colossus-1.internal/ubuntu-24.04-gpu.raw');
    // Metal3's Image has no architecture field (api/v1beta2 common_types.go): it is checked, never emitted.
    for (const t of ofKind('Metal3MachineTemplate')) expect(t.spec.template.spec.image.architecture).toBeUndefined();
  });

  test('a pool whose image is not built for its CPU is refused, naming the pool, the image and the fix', () => {
    const text = LAB.replace('powerBudgetMW: 0.1\n    maxRackKW: 30', 'powerBudgetMW: 1\n    maxRackKW: 140').replace(
      '  nodePools:\n    - name: h100\n      gpu: H100-SXM5-80GB\n      nodes: 2\n      nodesPerRack: 2',
      "  management:\n    context: mgmt\n    kubernetesVersion: v1.33.4\n    controlPlaneEndpoint: { host: api.lab.internal }\n    image: { url: 'https://img/x86.raw', checksum: abc }\n  nodePools:\n    - name: h100\n      gpu: GB200-NVL72\n      racks: 1",
    );
    const issues = specIssues(text);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'image-architecture',
        path: ['spec', 'nodePools', 0],
        message: 'pool "h100" (GB200-NVL72) has arm64 hosts, but spec.management.image "https://img/x86.raw" is amd64',
      }),
    ]);
    expect(issues[0].fix).toContain('architecture: arm64');
  });

  test('containerd gets an unlimited memlock limit before kubeadm joins (RDMA pins memory; restricted forbids IPC_LOCK)', () => {
    for (const template of ofKind('KubeadmConfigTemplate')) {
      expect(template.spec.template.spec.files).toEqual([
        { ...CONTAINERD_MEMLOCK_DROP_IN, owner: 'root:root', permissions: '0644' },
      ]);
      expect(template.spec.template.spec.preKubeadmCommands).toEqual([
        'systemctl daemon-reload',
        'systemctl restart containerd',
      ]);
    }
    expect(CONTAINERD_MEMLOCK_DROP_IN.content).toBe('[Service]\nLimitMEMLOCK=infinity\n');
  });
});
