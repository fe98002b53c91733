/**
 * `colossus admit` on the built-in example: every example job is admitted on the pool its tenant holds
 * and nowhere else; each negative case is denied with its reason; and the job-path fixes are what
 * admission rests on (each fix undone in the view brings its denial back).
 */
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import * as fs from 'fs';
import { admitOnSite, AdmitResult, podRequests, podSecurityViolations, WorkloadInput } from '../../admit/admit';
import { ClusterView, loadSiteView, SiteView } from '../../admit/cluster-view';
import { readWorkloadFiles } from '../../admit/command';
import { KubeObject, LABELS } from '../../model/kube';
import { runCli } from '../support/run-cli';
import { ROOT, synthToTemp } from '../support/synth';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

const JOBS = path.join(ROOT, 'examples', 'jobs');
let outdir: string;
let site: SiteView;

beforeAll(() => {
  outdir = synthToTemp('examples/colossus-1.yaml').outdir;
  site = loadSiteView(outdir);
});

const admit = (namespace: string, file: string, s: SiteView = site): AdmitResult[] =>
  admitOnSite(s, namespace, readWorkloadFiles([path.join(JOBS, file)]));

/** The site with `edit` applied to every cell's view (to undo one fix everywhere). */
const edited = (edit: (v: ClusterView) => ClusterView): SiteView => ({ ...site, clusters: site.clusters.map(edit) });
/** Every object of every cell. */
const cellObjects = (): KubeObject[] => site.clusters.flatMap((c) => c.objects);

/** The example's objects, with `edit` applied to each (for workloads derived from an example). */
function derived(file: string, edit: (o: Json) => void): WorkloadInput[] {
  const docs = parseAllDocuments(fs.readFileSync(path.join(JOBS, file), 'utf8')).map((d) => d.toJS() as Json);
  return docs.map((o) => {
    if (o.kind !== 'ComputeDomain') edit(o);
    return { file, object: o as KubeObject };
  });
}

const podTemplate = (jobSet: Json): Json => jobSet.spec.replicatedJobs[0].template.spec.template;

describe('every example job is admitted on the pool its tenant holds, in the first cell of that pool', () => {
  test.each([
    ['grok-train', 'grok/pretrain-jobset.yaml', 'grok', [['trainer', 64, 'h100', 64]]],
    ['grok-infer', 'grok/inference-deployment.yaml', 'grok', [['main', 16, 'h100', 16]]],
    ['research', 'grok-research/ablation-jobset.yaml', 'grok-research', [['worker', 32, 'h200', 32]]],
    [
      'research',
      'grok-research/inference-lws.yaml',
      'grok-research',
      [
        ['leader', 2, 'h200', 2],
        ['worker', 2, 'h200', 2],
      ],
    ],
    ['anthropic-train', 'anthropic/pretrain-nvl72.yaml', 'anthropic', [['trainer', 18, 'gb200', 18]]],
    ['anthropic-train', 'anthropic/inference-deployment.yaml', 'anthropic', [['main', 36, 'gb200', 36]]],
  ] as const)('%s %s', (namespace, file, tenant, podSets) => {
    const [result] = admit(namespace, file);
    expect(result.reasons).toEqual([]);
    // The manager dispatches to the pool's cells in its MultiKueueConfig's order; the cell's queue is the tenant's.
    const cell = `colossus-1-${podSets[0][2]}-c00`;
    expect(result).toMatchObject({ admitted: true, tenant, clusterQueue: tenant, cell });
    expect(result.podSets.map((p) => [p.name, p.pods, p.flavor, p.nodes])).toEqual(podSets);
  });

  test('a TrainJob runs its runtime’s node pods, numNodes of them, with the trainer’s resources', () => {
    const runtime = {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainingRuntime',
      metadata: { name: 'torch-rdma', namespace: 'research' },
      spec: { template: { spec: { replicatedJobs: [{ name: 'node', replicas: 1, template: podJob('research') }] } } },
    };
    const trainJob = {
      apiVersion: 'trainer.kubeflow.org/v1alpha1',
      kind: 'TrainJob',
      metadata: { name: 'sweep', labels: { 'kueue.x-k8s.io/queue-name': 'default' } },
      spec: {
        runtimeRef: { apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime', name: 'torch-rdma' },
        trainer: { numNodes: 16, resourcesPerNode: podJob('research').spec.template.spec.containers[0].resources },
      },
    };
    const [result] = admitOnSite(site, 'research', [
      { file: 'inline', object: runtime as KubeObject },
      { file: 'inline', object: trainJob as unknown as KubeObject },
    ]);
    expect(result.reasons).toEqual([]);
    expect(result.podSets).toEqual([
      { name: 'node', pods: 16, flavor: 'h200', nodeGroup: 'h200', nodes: 16, borrows: false },
    ]);
  });

  /** grok's example job widened to `pods` one-GPU pods on rail 0, with no topology requirement. */
  const wide = (pods: number) =>
    derived('grok/pretrain-jobset.yaml', (o) => {
      const t = podTemplate(o);
      o.spec.replicatedJobs[0].template.spec.parallelism = pods;
      o.spec.replicatedJobs[0].template.spec.completions = pods;
      delete t.metadata.annotations['kueue.x-k8s.io/podset-required-topology'];
      t.metadata.annotations['k8s.v1.cni.cncf.io/networks'] = 'grok-train-rail-0';
      t.spec.containers[0].resources = {
        requests: { cpu: '12', memory: '200Gi' },
        limits: { 'nvidia.com/gpu': 1, 'nvidia.com/rail0': 1 },
      };
    });

  test('a whole-cell job fits the pod quota: 39,936 one-GPU pods on all 4,992 nodes of cell h100-c00', () => {
    const [result] = admitOnSite(site, 'grok-train', wide(39936));
    expect(result.reasons).toEqual([]);
    expect(result).toMatchObject({ cell: 'colossus-1-h100-c00' });
    expect(result.podSets[0]).toMatchObject({ pods: 39936, flavor: 'h100', nodes: 4992 });
  });

  test('a job larger than any cell is denied: MultiKueue runs a workload in one cell, never across cells', () => {
    const [result] = admitOnSite(site, 'grok-train', wide(39937));
    expect(result.admitted).toBe(false);
    expect(result.reasons).toContain('ResourceQuota tenant-quota: requests.nvidia.com/gpu 39937 exceeds 39936');
  });
});

describe('denials, each with its reason', () => {
  test("a job on another tenant's pool (gb200, dedicated to anthropic) is refused by every flavor grok may use", () => {
    const inputs = derived('grok/pretrain-jobset.yaml', (o) => {
      const spec = podTemplate(o).spec;
      // Pools are selected by the management-side label the flavors carry (issue 16).
      spec.nodeSelector = { [LABELS.placementPool]: 'gb200' };
      spec.tolerations = [
        { key: 'colossus.dev/dedicated', operator: 'Equal', value: 'anthropic', effect: 'NoSchedule' },
      ];
    });
    const [result] = admitOnSite(site, 'grok-train', inputs);
    expect(result.admitted).toBe(false);
    expect(result.reasons).toEqual([
      `pod set trainer: no flavor of ClusterQueue grok fits: flavor h100 doesn't match node selector ${LABELS.placementPool}=gb200`,
    ]);
  });

  test('rail VFs without their networks: the fabric admission policy (real CEL) and the network check deny', () => {
    const inputs = derived('grok/pretrain-jobset.yaml', (o) => {
      delete podTemplate(o).metadata.annotations['k8s.v1.cni.cncf.io/networks'];
    });
    const [result] = admitOnSite(site, 'grok-train', inputs);
    expect(result.admitted).toBe(false);
    expect(result.reasons[0]).toMatch(
      /^Pod denied by ValidatingAdmissionPolicy colossus-fabric-own-networks: containers requesting nvidia.com\/rail<k>/,
    );
    expect(result.reasons).toContain(
      'pod set trainer: requests nvidia.com/rail7 but names no network of namespace grok-train on it',
    );
  });

  test('more GPUs than a cell holds: 420 NVL72 racks of trays against anthropic’s 19,584 GPUs in its first cell', () => {
    const inputs = derived('anthropic/pretrain-nvl72.yaml', (o) => {
      o.spec.replicatedJobs[0].replicas = 420;
      delete podTemplate(o).metadata.annotations['kueue.x-k8s.io/podset-required-topology'];
    });
    const [result] = admitOnSite(site, 'anthropic-train', inputs);
    expect(result.admitted).toBe(false);
    expect(result.cell).toBe('colossus-1-gb200-c00');
    expect(result.reasons).toContain('ResourceQuota tenant-quota: requests.nvidia.com/gpu 30240 exceeds 19584');
  });

  test('a job with no queue: its LocalQueue does not exist', () => {
    const inputs = derived('grok/pretrain-jobset.yaml', (o) => {
      o.metadata.labels['kueue.x-k8s.io/queue-name'] = 'batch';
    });
    const [result] = admitOnSite(site, 'grok-train', inputs);
    expect(result).toMatchObject({ admitted: false, clusterQueue: undefined });
    expect(result.reasons).toEqual(['no queue: LocalQueue "batch" does not exist in namespace grok-train']);
  });

  test('a namespace that is no tenant’s', () => {
    const [result] = admit('kube-system', 'grok/inference-deployment.yaml');
    expect(result.reasons).toEqual([
      'namespace "kube-system" is not a tenant namespace of cluster colossus-1-h100-c00',
    ]);
  });

  test('a pod set larger than the topology level it requires', () => {
    const inputs = derived('grok/pretrain-jobset.yaml', (o) => {
      o.spec.replicatedJobs[0].template.spec.parallelism = 128;
      o.spec.replicatedJobs[0].template.spec.completions = 128;
    });
    const [result] = admitOnSite(site, 'grok-train', inputs);
    expect(result.reasons).toEqual([
      `pod set trainer on h100: 128 nodes do not fit in one ${LABELS.placementBlock} (64 nodes)`,
    ]);
  });

  test('Pod Security restricted: a root pod adding IPC_LOCK', () => {
    const inputs = derived('grok/pretrain-jobset.yaml', (o) => {
      const spec = podTemplate(o).spec;
      delete spec.securityContext;
      spec.containers[0].securityContext = { capabilities: { add: ['IPC_LOCK'] } };
    });
    const [result] = admitOnSite(site, 'grok-train', inputs);
    expect(result.reasons).toEqual(
      expect.arrayContaining([
        'pod set trainer: Pod Security "restricted": container trainer adds capability IPC_LOCK',
        'pod set trainer: Pod Security "restricted": container trainer must set runAsNonRoot: true (pod or container)',
      ]),
    );
  });
});

describe('what the job-path fixes rest on: undo one, and its denial comes back', () => {
  test('without excludeResourcePrefixes Kueue refuses rail VFs (kueue v0.19.2 flavorassigner "resource ... unavailable in ClusterQueue")', () => {
    const [result] = admit(
      'grok-train',
      'grok/pretrain-jobset.yaml',
      edited((v) => ({ ...v, excludedResourcePrefixes: [] })),
    );
    expect(result.admitted).toBe(false);
    expect(result.reasons).toContain('pod set trainer: resource nvidia.com/rail0 unavailable in ClusterQueue grok');
  });

  test('without the ComputeDomain device-class mapping an NVL72 job is inadmissible (kueue pkg/dra/claims.go)', () => {
    const [result] = admit(
      'anthropic-train',
      'anthropic/pretrain-nvl72.yaml',
      edited((v) => ({ ...v, deviceClassResources: new Map() })),
    );
    expect(result.reasons).toEqual([
      "pod set trainer: DeviceClass compute-domain-default-channel.nvidia.com is not mapped in Kueue's deviceClassMappings",
    ]);
  });

  test('borrowing happens: grok’s job in its h200 queue runs in an h200 cell with nominal 0 there, borrowing grok-research’s idle quota in the cohort', () => {
    const inputs = derived('grok/pretrain-jobset.yaml', (o) => {
      // The manager's LocalQueue `h200` dispatches to the h200 cells, where grok is a borrower.
      o.metadata.labels['kueue.x-k8s.io/queue-name'] = 'h200';
      podTemplate(o).spec.nodeSelector = { [LABELS.placementPool]: 'h200' };
    });
    const [result] = admitOnSite(site, 'grok-train', inputs);
    expect(result.reasons).toEqual([]);
    expect(result.podSets[0]).toMatchObject({ flavor: 'h200', borrows: true });
    expect(result.cell).toBe('colossus-1-h200-c00');
    // In its default queue the same job goes to the h100 cells, whose flavor does not match.
    const viaDefault = derived('grok/pretrain-jobset.yaml', (o) => {
      podTemplate(o).spec.nodeSelector = { [LABELS.placementPool]: 'h200' };
    });
    expect(admitOnSite(site, 'grok-train', viaDefault)[0]).toMatchObject({
      admitted: false,
      cell: 'colossus-1-h100-c00',
    });
    // The external tenant is in no cohort: it cannot borrow, and nobody borrows its trays.
    const anthropic = cellObjects().find((o) => o.kind === 'ClusterQueue' && o.metadata.name === 'anthropic') as Json;
    expect(anthropic.spec.cohortName).toBeUndefined();
  });

  test('a GB200 tenant has networks for rails 0-3 only: a pod asking for rail 4 is denied', () => {
    const inputs = derived('anthropic/pretrain-nvl72.yaml', (o) => {
      const t = podTemplate(o);
      t.metadata.annotations['k8s.v1.cni.cncf.io/networks'] += ',anthropic-train-rail-4';
      t.spec.containers[0].resources.limits['nvidia.com/rail4'] = 1;
    });
    const [result] = admitOnSite(site, 'anthropic-train', inputs);
    expect(result.reasons).toEqual(
      expect.arrayContaining([
        'pod set trainer: network anthropic-train-rail-4 does not exist in namespace anthropic-train',
        'pod set trainer on gb200: a pod requests 1 nvidia.com/rail4, a node has 0 (the pool has no such rail)',
      ]),
    );
  });

  test('DNS and the API server must be reachable: without allow-dns every pod set is denied', () => {
    const without = (policy: string) =>
      edited((v) => ({
        ...v,
        objects: v.objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === policy)),
      }));
    const [result] = admit('grok-infer', 'grok/inference-deployment.yaml', without('allow-dns'));
    expect(result.reasons).toEqual([
      'pod set main: NetworkPolicies of grok-infer block DNS (CoreDNS and NodeLocal DNS 169.254.20.10)',
    ]);
    expect(admit('grok-infer', 'grok/inference-deployment.yaml', without('allow-api-server'))[0].reasons).toEqual([
      'pod set main: NetworkPolicies of grok-infer block the API server (TCP 6443)',
    ]);
  });

  test('a GPU container that sets only GPUs gets requests, not 1-CPU/4-GiB limits, from the LimitRange', () => {
    const limitRange = cellObjects().find((o) => o.kind === 'LimitRange' && o.metadata.namespace === 'grok-train')!;
    const spec = { containers: [{ name: 'gpu', resources: { limits: { 'nvidia.com/gpu': '8' } } }] };
    expect(podRequests(spec, [limitRange])).toEqual({ cpu: 0.25, memory: 2 ** 30, 'nvidia.com/gpu': 8 });
    expect(JSON.stringify(limitRange)).not.toContain('"default"');
  });

  test('Pod Security levels: privileged allows all, baseline forbids hostPath, restricted also IPC_LOCK', () => {
    const spec = {
      containers: [{ name: 'c', securityContext: { capabilities: { add: ['IPC_LOCK'] } } }],
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
    };
    expect(podSecurityViolations(spec, 'privileged')).toEqual([]);
    expect(podSecurityViolations(spec, 'baseline')).toEqual([
      'container c adds capability IPC_LOCK',
      'volume h is a hostPath',
    ]);
    expect(podSecurityViolations(spec, 'restricted')).toContain('container c adds capability IPC_LOCK');
  });
});

describe('policies see the objects as Kueue shapes them', () => {
  /** A ValidatingAdmissionPolicy on tenant namespaces, bound with Deny. */
  const policy = (name: string, resources: string[], group: string, expression: string): KubeObject[] => [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [group], apiVersions: ['*'], operations: ['CREATE'], resources }],
        },
        validations: [{ expression, message: `${name} failed` }],
      },
    } as KubeObject,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: { matchExpressions: [{ key: 'colossus.dev/tenant', operator: 'Exists' }] },
        },
      },
    } as KubeObject,
  ];

  test('a job’s pods carry the flavor’s node labels (podset.Merge); pod-integrated pods the admission gate; jobs are created suspended', () => {
    const policies = [
      ...policy(
        'placed-or-gated',
        ['pods'],
        '',
        `(has(object.spec.nodeSelector) && '${LABELS.placementPool}' in object.spec.nodeSelector) || (has(object.spec.schedulingGates) && object.spec.schedulingGates.exists(g, g.name == 'kueue.x-k8s.io/admission'))`,
      ),
      ...policy('suspended', ['jobsets'], 'jobset.x-k8s.io', 'has(object.spec.suspend) && object.spec.suspend'),
    ];
    const shaped = edited((v) => ({ ...v, objects: [...v.objects, ...policies] }));
    expect(admit('grok-train', 'grok/pretrain-jobset.yaml', shaped)[0].reasons).toEqual([]);
    expect(admit('anthropic-train', 'anthropic/inference-deployment.yaml', shaped)[0].reasons).toEqual([]);
    // Without a flavor (no queue) the job stays suspended: its controller creates no pod, so only the queue is named.
    const inputs = derived(
      'grok/pretrain-jobset.yaml',
      (o) => (o.metadata.labels['kueue.x-k8s.io/queue-name'] = 'batch'),
    );
    expect(admitOnSite(shaped, 'grok-train', inputs)[0].reasons).toEqual([
      'no queue: LocalQueue "batch" does not exist in namespace grok-train',
    ]);
  });
});

describe('the admit command', () => {
  test('prints the table, exits 0 when everything is admitted and 2 when something is denied, 64 on usage errors', () => {
    const ok = runCli([
      'admit',
      '--out',
      outdir,
      '--namespace',
      'grok-train',
      path.join(JOBS, 'grok/pretrain-jobset.yaml'),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      'ADMITTED JobSet/grok-pretrain-512 in grok-train (tenant grok, cell colossus-1-h100-c00, ClusterQueue grok)',
    );
    expect(ok.stdout).toContain('pod set trainer: 64 pods -> flavor h100, node group h100, 64 nodes');
    const denied = runCli([
      'admit',
      '--out',
      outdir,
      '--namespace',
      'research',
      '--format',
      'json',
      path.join(JOBS, 'grok/pretrain-jobset.yaml'),
    ]);
    expect(denied.code).toBe(2);
    const [json] = JSON.parse(denied.stdout) as AdmitResult[];
    expect(json.admitted).toBe(false);
    expect(json.reasons).toContain('pod set trainer: network grok-train-rail-0 does not exist in namespace research');
    expect(runCli(['admit', '--out', outdir, path.join(JOBS, 'grok/pretrain-jobset.yaml')]).code).toBe(64);
    expect(runCli(['admit', '--out', outdir, '--namespace', 'grok-train']).code).toBe(64);
    expect(runCli(['admit', '--out', outdir, '--namespace', 'grok-train', 'missing.yaml']).code).toBe(64);
    const notOutput = runCli([
      'admit',
      '--out',
      JOBS,
      '--namespace',
      'grok-train',
      path.join(JOBS, 'grok/pretrain-jobset.yaml'),
    ]);
    expect(notOutput).toMatchObject({ code: 64, stderr: expect.stringContaining('has no manifests/') });
  });
});

/** A one-pod-per-node h200 Job template with 8 GPUs and 8 rails in `namespace`. */
function podJob(namespace: string): Json {
  const rails = [0, 1, 2, 3, 4, 5, 6, 7];
  return {
    spec: {
      parallelism: 1,
      template: {
        metadata: {
          annotations: { 'k8s.v1.cni.cncf.io/networks': rails.map((r) => `${namespace}-rail-${r}`).join(',') },
        },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'node',
              image: 'trainer',
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              resources: {
                requests: { cpu: '96', memory: '1600Gi' },
                limits: { 'nvidia.com/gpu': 8, ...Object.fromEntries(rails.map((r) => [`nvidia.com/rail${r}`, 1])) },
              },
            },
          ],
        },
      },
    },
  };
}
