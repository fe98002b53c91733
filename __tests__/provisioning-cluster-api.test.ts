/** The management stack: Cluster API and Metal3 objects per pool block, label and taint flow, health checks. */
import * as fs from 'fs';
import * as path from 'path';
import { KubeObject } from '../model/kube';
import { blockNodes, remediationCap, UNHEALTHY_NODE_CONDITIONS } from '../provisioning/cluster-api';
import { describeWithCrds, validateCustomResource } from './support/crd-validator';
import { specIssues } from './support/spec-issues';
import { ROOT, synthToTemp } from './support/synth';

const LAB = fs.readFileSync(path.join(ROOT, 'examples', 'lab.yaml'), 'utf8');

const MANAGEMENT = `  management:
    context: lab-mgmt
    kubernetesVersion: v1.33.4
    controlPlaneEndpoint: { host: 10.0.0.10 }
    image: { url: 'https://images.lab.internal/ubuntu.raw', checksum: 0123abcd }
`;

/** The lab with a management cluster and a second pool: MIG, dedicated to the partner, 5 nodes in 2 blocks. */
const SPEC = LAB.replace('  site:\n', `${MANAGEMENT}  site:\n`)
  .replace(
    '      racksPerBlock: 1\n',
    `      racksPerBlock: 1
    - name: mig
      gpu: H100-SXM5-80GB
      nodes: 5
      nodesPerRack: 2
      racksPerBlock: 2
      maxUnavailable: 2
      migProfile: all-1g.10gb
      dedicatedTo: partner
`,
  )
  .replace(
    "groups: ['partner:admins']\n      gpuQuota: { h100: 8 }",
    "groups: ['partner:admins']\n      gpuQuota: { h100: 8, mig: 40 }",
  );

const out = synthToTemp(SPEC);
const management = out.yamlObjects('lab-management');
const find = (kind: string, name: string): KubeObject => {
  const found = management.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = (o: KubeObject) => o.spec as any;

describe('the management stack', () => {
  it('holds the cluster, its control plane and per pool a template, a health check and one MachineDeployment per block', () => {
    const kinds = management.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(
      [
        'Cluster/lab',
        'Metal3Cluster/lab',
        'KubeadmControlPlane/lab-control-plane',
        'Metal3MachineTemplate/lab-control-plane',
        'MachineHealthCheck/lab-control-plane',
        'KubeadmConfigTemplate/h100',
        'KubeadmConfigTemplate/mig',
        'Metal3RemediationTemplate/h100',
        'Metal3RemediationTemplate/mig',
        'MachineHealthCheck/h100',
        'MachineHealthCheck/mig',
        'MachineDeployment/h100-b000',
        'Metal3MachineTemplate/h100-b000',
        'MachineDeployment/mig-b000',
        'Metal3MachineTemplate/mig-b000',
        'MachineDeployment/mig-b001',
        'Metal3MachineTemplate/mig-b001',
      ].sort(),
    );
    expect(new Set(management.map((o) => o.metadata.namespace))).toEqual(new Set(['lab']));
    expect(out.summary.provisioning).toEqual({ machineDeployments: { h100: 1, mig: 2 } });
  });

  it('uses the management context, and deploys before the operators, which deploy before the platform', () => {
    expect(out.cdktf('lab-management').provider?.kubernetes).toEqual([
      { config_context: 'lab-mgmt', config_path: '~/.kube/config' },
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out.outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['lab-operators'].dependencies).toEqual(['lab-management']);
    expect(manifest.stacks['lab-platform'].dependencies).toContain('lab-operators');
    expect(manifest.stacks['lab-tenant-partner'].dependencies).toContain('lab-platform');
  });

  it('sizes each block from its racks, the last one partial, and rolls it within maxUnavailable without surge', () => {
    expect(spec(find('MachineDeployment', 'mig-b000')).replicas).toBe(4);
    expect(spec(find('MachineDeployment', 'mig-b001')).replicas).toBe(1);
    expect(blockNodes({ nodes: 18752, nodesPerRack: 8, racksPerBlock: 8 }, 292)).toBe(64);
    const md = spec(find('MachineDeployment', 'mig-b001'));
    expect(md.rollout).toEqual({
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 2 } },
    });
    expect(spec(find('MachineDeployment', 'h100-b000')).rollout.strategy.rollingUpdate.maxUnavailable).toBe(1);
    expect(md.template.spec).toMatchObject({
      clusterName: 'lab',
      version: 'v1.33.4',
      bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', name: 'mig' } },
      infrastructureRef: {
        apiGroup: 'infrastructure.cluster.x-k8s.io',
        kind: 'Metal3MachineTemplate',
        name: 'mig-b001',
      },
    });
    // The Machines carry the selector's labels plus the placement labels Cluster API copies onto their Nodes.
    expect(md.template.metadata.labels).toEqual({
      ...md.selector.matchLabels,
      'colossus.node-restriction.kubernetes.io/pool': 'mig',
      'colossus.node-restriction.kubernetes.io/block': 'mig-b001',
    });
  });

  it('selects BareMetalHosts by pool and block, and label sync owns only the rack label prefix', () => {
    expect(spec(find('Metal3MachineTemplate', 'mig-b001')).template.spec.hostSelector).toEqual({
      matchLabels: { 'colossus.dev/pool': 'mig', 'colossus.dev/block': 'mig-b001' },
    });
    expect(spec(find('KubeadmControlPlane', 'lab-control-plane'))).toMatchObject({
      replicas: 3,
      version: 'v1.33.4',
      rollout: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0 } } },
    });
    const single = synthToTemp(
      SPEC.replace('controlPlaneEndpoint:', 'controlPlaneReplicas: 1\n    controlPlaneEndpoint:'),
    );
    const kcp = single.yamlObjects('lab-management').find((o) => o.kind === 'KubeadmControlPlane')!;
    expect(spec(kcp)).toMatchObject({ replicas: 1, rollout: { strategy: { rollingUpdate: { maxSurge: 1 } } } });
    const controlPlane = spec(find('KubeadmControlPlane', 'lab-control-plane')).kubeadmConfigSpec;
    for (const phase of [controlPlane.initConfiguration, controlPlane.joinConfiguration]) {
      expect(phase.nodeRegistration.kubeletExtraArgs).toEqual([
        { name: 'node-labels', value: 'metal3.io/uuid={{ ds.meta_data.uuid }}' },
      ]);
    }
    expect(find('Metal3Cluster', 'lab').metadata.annotations).toEqual({
      'metal3.io/metal3-label-sync-prefixes': 'host.colossus.node-restriction.kubernetes.io',
    });
    // NodeRestriction stays (kubeadm's default) and DenyServiceExternalIPs joins it (CVE-2020-8554).
    expect(controlPlane.clusterConfiguration.apiServer.extraArgs).toEqual([
      { name: 'enable-admission-plugins', value: 'NodeRestriction,DenyServiceExternalIPs' },
    ]);
    expect(spec(find('Metal3MachineTemplate', 'lab-control-plane')).template.spec.hostSelector).toEqual({
      matchLabels: { 'colossus.dev/role': 'control-plane' },
    });
  });

  it('registers the pool labels and taints that the pool ResourceFlavor selects and tolerates', () => {
    const flavor = out
      .yamlObjects('lab-platform')
      .find((o) => o.kind === 'ResourceFlavor' && o.metadata.name === 'mig')!;
    const registration = spec(find('KubeadmConfigTemplate', 'mig')).template.spec.joinConfiguration.nodeRegistration;
    const [arg] = registration.kubeletExtraArgs;
    expect(arg.name).toBe('node-labels');
    const labels = Object.fromEntries(arg.value.split(',').map((kv: string) => kv.split('=')));
    expect(labels).toEqual({
      // CAPM3 links the Node to its Machine through the host UID Ironic passes to cloud-init.
      'metal3.io/uuid': '{{ ds.meta_data.uuid }}',
      'colossus.dev/pool': 'mig',
      'nvidia.com/mig.config': 'all-1g.10gb',
    });
    expect(registration.name).toBe('{{ ds.meta_data.name }}');
    // The flavor selects the pool label only the management side sets: the MachineDeployment's, copied to the
    // Node by Cluster API; kubelet registers no node-restriction label (NodeRestriction would refuse it).
    expect(spec(find('MachineDeployment', 'mig-b000')).template.metadata.labels).toMatchObject(spec(flavor).nodeLabels);
    expect(Object.keys(labels).filter((k) => k.includes('node-restriction.kubernetes.io'))).toEqual([]);
    expect(registration.taints).toEqual(spec(flavor).nodeTaints);
    expect(registration.taints).toEqual([{ key: 'colossus.dev/dedicated', value: 'partner', effect: 'NoSchedule' }]);
    // A shared pool registers no taint.
    expect(spec(find('KubeadmConfigTemplate', 'h100')).template.spec.joinConfiguration.nodeRegistration.taints).toBe(
      undefined,
    );
  });

  it('remediates nodes whose GPU health condition fails, capped at one rack of unhealthy machines', () => {
    const mhc = spec(find('MachineHealthCheck', 'mig'));
    expect(mhc.clusterName).toBe('lab');
    expect(mhc.selector.matchLabels).toEqual({ 'cluster.x-k8s.io/cluster-name': 'lab', 'colossus.dev/pool': 'mig' });
    expect(mhc.checks.unhealthyNodeConditions).toEqual(UNHEALTHY_NODE_CONDITIONS.map((c) => ({ ...c })));
    expect(mhc.checks.unhealthyNodeConditions).toContainEqual({
      type: 'SysLogsGPUFallenOff',
      status: 'True',
      timeoutSeconds: 300,
    });
    expect(mhc.remediation.triggerIf).toEqual({ unhealthyLessThanOrEqualTo: 2 });
    expect(mhc.remediation.templateRef).toEqual({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'Metal3RemediationTemplate',
      name: 'mig',
    });
    expect(mhc).not.toHaveProperty('maxUnhealthy');
    // A whole-block or fabric outage (64 of 18,752 H100 nodes) is above the cap: nothing is remediated.
    expect(remediationCap({ nodesPerRack: 8, nodes: 18752 })).toBe(8);
    expect(remediationCap({ nodesPerRack: 8, nodes: 1 })).toBe(1);
    // The control plane is remediated one machine at a time, by KubeadmControlPlane (etcd quorum).
    const cp = spec(find('MachineHealthCheck', 'lab-control-plane'));
    expect(cp.selector.matchLabels).toEqual({
      'cluster.x-k8s.io/cluster-name': 'lab',
      'cluster.x-k8s.io/control-plane': '',
    });
    expect(cp.remediation).toEqual({ triggerIf: { unhealthyLessThanOrEqualTo: 1 } });
  });

  it('emits exactly the same objects to Terraform, addressed per block, not per node', () => {
    const terraform = [...out.terraformObjects('lab-management').values()];
    expect(terraform).toHaveLength(management.length);
    const colossus = synthToTemp('examples/colossus-1.yaml');
    const resources = colossus.summary.stacks['colossus-1-management'].terraformResources;
    // 444 blocks x (MachineDeployment + Metal3MachineTemplate) + 3 pools x 3 + 5 cluster objects.
    expect(resources).toBe(444 * 2 + 3 * 3 + 5);
    // The example's pod and Service ranges (which its fabric plan avoids) configure kubeadm.
    const cluster = colossus.yamlObjects('colossus-1-management').find((o) => o.kind === 'Cluster')!;
    expect(spec(cluster).clusterNetwork).toEqual({
      pods: { cidrBlocks: ['10.0.0.0/9'] },
      services: { cidrBlocks: ['10.192.0.0/16'] },
    });
    expect(spec(find('Cluster', 'lab')).clusterNetwork).toBeUndefined();
    for (const stack of Object.values(colossus.summary.stacks)) expect(stack.terraformResources).toBeLessThan(1000);
  });
});

describe('without spec.management', () => {
  it('has no management stack and no provisioning summary', () => {
    const lab = synthToTemp('examples/lab.yaml');
    expect(lab.stacks).not.toContain('lab-management');
    expect(lab.stacks).toContain('lab-operators');
    expect(lab.summary.provisioning).toBeUndefined();
  });
});

describe('the management spec', () => {
  it('fails a machine version of another minor than kubernetes.version', () => {
    expect(specIssues(SPEC.replace('v1.33.4', 'v1.32.9'))).toEqual([
      expect.objectContaining({
        code: 'version-mismatch',
        path: ['spec', 'management', 'kubernetesVersion'],
        fix: 'use a v1.33.x release, or change kubernetes.version to "1.32"',
      }),
    ]);
  });

  it('fails a version without its patch number, at the field', () => {
    expect(specIssues(SPEC.replace('v1.33.4', '1.33'))).toEqual([
      expect.objectContaining({ path: ['spec', 'management', 'kubernetesVersion'] }),
    ]);
  });

  it('accepts the lab with a management cluster', () => {
    expect(specIssues(SPEC)).toEqual([]);
  });
});

describeWithCrds('Cluster API and Metal3 objects', () => {
  it('use the v1beta2 storage version and exactly the fields of their upstream CRD', () => {
    expect(management.length).toBeGreaterThan(0);
    expect(management.flatMap(validateCustomResource)).toEqual([]);
  });
});
