/** The management stack: Cluster API and Metal3 objects per pool block, label and taint flow, health checks. */
import * as fs from 'fs';
import * as path from 'path';
import { KubeObject } from '../../model/kube';
import { blockNodes, remediationCap, UNHEALTHY_NODE_CONDITIONS } from '../../provisioning/cluster-api';
import { describeWithCrds, validateCustomResource } from '../support/crd-validator';
import { specIssues } from '../support/spec-issues';
import { ROOT, synthToTemp } from '../support/synth';

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
const colossus = synthToTemp('examples/colossus-1.yaml');
const management = out.yamlObjects('lab-management');
/** Templates are named `<base>-<8 hex of their content>`; other kinds by their name. */
const named = (name: string, o: KubeObject) =>
  o.metadata.name === name || (TEMPLATES.has(o.kind) && new RegExp(`^${name}-[0-9a-f]{8}$`).test(o.metadata.name));
const TEMPLATES = new Set(['Metal3MachineTemplate', 'KubeadmConfigTemplate']);
const findIn = (objects: readonly KubeObject[], kind: string, name: string): KubeObject => {
  const found = objects.filter((o) => o.kind === kind && named(name, o));
  if (found.length !== 1) throw new Error(`${found.length} ${kind}/${name}`);
  return found[0];
};
const find = (kind: string, name: string): KubeObject => findIn(management, kind, name);
const base = (o: KubeObject) =>
  TEMPLATES.has(o.kind) ? o.metadata.name.replace(/-[0-9a-f]{8}$/, '') : o.metadata.name;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = (o: KubeObject) => o.spec as any;

describe('the management stack', () => {
  it('holds the cluster, its control plane, per pool a bootstrap template, and per block a machine template, a MachineDeployment and a health check', () => {
    const kinds = management.map((o) => `${o.kind}/${base(o)}`).sort();
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
        'MachineDeployment/h100-b000',
        'Metal3MachineTemplate/h100-b000',
        'MachineHealthCheck/h100-b000',
        'MachineDeployment/mig-b000',
        'Metal3MachineTemplate/mig-b000',
        'MachineHealthCheck/mig-b000',
        'MachineDeployment/mig-b001',
        'Metal3MachineTemplate/mig-b001',
        'MachineHealthCheck/mig-b001',
      ].sort(),
    );
    expect(new Set(management.map((o) => o.metadata.namespace))).toEqual(new Set(['lab']));
    expect(out.summary.provisioning).toEqual({ machineDeployments: { h100: 1, mig: 2 } });
  });

  it('uses the management context; the operators deploy before the platform', () => {
    expect(out.cdktf('lab-management').provider?.kubernetes).toEqual([
      { config_context: 'lab-mgmt', config_path: '~/.kube/config' },
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out.outdir, 'manifest.json'), 'utf8'));
    // No dependency across clusters: the workload kubeconfig is a step between them (issue 19 item 3).
    expect(manifest.stacks['lab-operators'].dependencies).toEqual([]);
    expect(manifest.stacks['lab-platform'].dependencies).toContain('lab-operators');
    expect(manifest.stacks['lab-tenant-partner'].dependencies).toContain('lab-platform');
  });

  it('sizes each block from its racks, the last one partial, and rolls it within maxUnavailable without surge', () => {
    expect(spec(find('MachineDeployment', 'mig-b000')).replicas).toBe(4);
    expect(spec(find('MachineDeployment', 'mig-b001')).replicas).toBe(1);
    expect(blockNodes({ nodes: 18752, nodesPerRack: 8, racksPerBlock: 8 }, 292)).toBe(64);
    const rolling = (name: string) => spec(find('MachineDeployment', name)).rollout.strategy;
    expect(rolling('mig-b000')).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 2 } });
    // Never more than the block holds; by default the whole block (h100: one rack of 2), in one step.
    expect(rolling('mig-b001').rollingUpdate.maxUnavailable).toBe(1);
    expect(rolling('h100-b000').rollingUpdate.maxUnavailable).toBe(2);
    const md = spec(find('MachineDeployment', 'mig-b001'));
    expect(md.template.spec).toMatchObject({
      clusterName: 'lab',
      version: 'v1.33.4',
      bootstrap: {
        configRef: {
          apiGroup: 'bootstrap.cluster.x-k8s.io',
          kind: 'KubeadmConfigTemplate',
          name: find('KubeadmConfigTemplate', 'mig').metadata.name,
        },
      },
      infrastructureRef: {
        apiGroup: 'infrastructure.cluster.x-k8s.io',
        kind: 'Metal3MachineTemplate',
        name: find('Metal3MachineTemplate', 'mig-b001').metadata.name,
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
      // Deleting it deprovisions hosts: GitOps tools never prune it (issue 19 item 6).
      'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
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

  it('remediates nodes whose GPU health condition fails, one health check per block capped at one rack', () => {
    for (const block of ['mig-b000', 'mig-b001']) {
      const mhc = spec(find('MachineHealthCheck', block));
      expect(mhc.clusterName).toBe('lab');
      // The check selects the Machines its block's MachineDeployment selects: it sees only that block.
      expect(mhc.selector.matchLabels).toEqual(spec(find('MachineDeployment', block)).selector.matchLabels);
      expect(mhc.selector.matchLabels['colossus.dev/block']).toBe(block);
      expect(mhc.checks.unhealthyNodeConditions).toEqual(UNHEALTHY_NODE_CONDITIONS.map((c) => ({ ...c })));
      expect(mhc.remediation.templateRef).toEqual({
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
        kind: 'Metal3RemediationTemplate',
        name: 'mig',
      });
      expect(mhc).not.toHaveProperty('maxUnhealthy');
    }
    expect(spec(find('MachineHealthCheck', 'mig-b000')).checks.unhealthyNodeConditions).toContainEqual({
      type: 'SysLogsGPUFallenOff',
      status: 'True',
      timeoutSeconds: 300,
    });
    // One rack (2 nodes) of the 4-node block; the 1-node block never caps below its size.
    expect(spec(find('MachineHealthCheck', 'mig-b000')).remediation.triggerIf).toEqual({
      unhealthyLessThanOrEqualTo: 2,
    });
    expect(spec(find('MachineHealthCheck', 'mig-b001')).remediation.triggerIf).toEqual({
      unhealthyLessThanOrEqualTo: 1,
    });
    expect(spec(find('MachineDeployment', 'mig-b000')).remediation).toEqual({ maxInFlight: 2 });
    // A whole-rack outage stops that block's repairs (8 of its 64 H100 nodes), never the pool's.
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

  it('caps remediation per block at the example scale: 444 checks of at most one rack, none per pool, one per cell control plane', () => {
    const mhcs = colossus.stacks
      .filter((stack) => stack.endsWith('-management'))
      .flatMap((stack) => colossus.yamlObjects(stack))
      .filter((o) => o.kind === 'MachineHealthCheck');
    const controlPlanes = mhcs.filter((o) => o.metadata.name.endsWith('-control-plane'));
    expect(controlPlanes).toHaveLength(8);
    expect(mhcs).toHaveLength(444 + 8);
    for (const m of mhcs.filter((o) => !controlPlanes.includes(o))) {
      expect(spec(m).selector.matchLabels['colossus.dev/block']).toBe(m.metadata.name);
      expect(spec(m).remediation.triggerIf.unhealthyLessThanOrEqualTo).toBeLessThanOrEqual(
        m.metadata.name.startsWith('gb200') ? 18 : 8,
      );
    }
  });

  it('emits exactly the same objects to Terraform, addressed per block, not per node', () => {
    const terraform = [...out.terraformObjects('lab-management').values()];
    expect(terraform).toHaveLength(management.length);
    const resources = colossus.summary.stacks['colossus-1-h100-c00-management'].terraformResources;
    // A cell of 78 blocks x (MachineDeployment + Metal3MachineTemplate + MachineHealthCheck) + 1 pool x 2 + 5 cluster objects.
    expect(resources).toBe(78 * 3 + 2 + 5);
    // The cell's share of the example's pod and Service ranges (which its fabric plan avoids) configure kubeadm.
    const cluster = colossus.yamlObjects('colossus-1-h100-c01-management').find((o) => o.kind === 'Cluster')!;
    expect(spec(cluster).clusterNetwork).toEqual({
      pods: { cidrBlocks: ['10.32.0.0/11'] },
      services: { cidrBlocks: ['172.17.0.0/16'] },
    });
    expect(spec(find('Cluster', 'lab')).clusterNetwork).toBeUndefined();
    // Resources grow with blocks, never with nodes (32,548 here), and no state holds more than a cell's.
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
