/**
 * Every object of every example validates against its upstream schema: core kinds against the
 * Kubernetes OpenAPI types, custom resources against the upstream CRD storage version.
 */
import * as fs from 'fs';
import * as path from 'path';
import { kindInfo } from '../../model/kinds';
import { KubeObject } from '../../model/kube';
import { readWorkloadFiles } from '../../admit/command';
import { countCelRules, describeWithCrds, validateCelRules, validateCustomResource } from '../support/crd-validator';
import { isCoreApi, validateCoreObjects } from '../support/core-validator';
import { ROOT, synthToTemp } from '../support/synth';

const examples = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const synthesized = new Map<string, KubeObject[]>();
const objectsOf = (example: string): KubeObject[] => {
  if (!synthesized.has(example)) {
    const out = synthToTemp(`examples/${example}`);
    synthesized.set(
      example,
      out.stacks.flatMap((s) => out.yamlObjects(s)),
    );
  }
  return synthesized.get(example)!;
};

/** The custom resources of examples/jobs (JobSets, LeaderWorkerSets, ComputeDomains). */
const jobObjects = (): KubeObject[] => {
  const dir = path.join(ROOT, 'examples', 'jobs');
  const files = fs.readdirSync(dir).flatMap((t) => fs.readdirSync(path.join(dir, t)).map((f) => path.join(dir, t, f)));
  return readWorkloadFiles(files.sort()).map((i) => i.object);
};

describe.each(examples)('core objects of %s', (example) => {
  it('validate against the Kubernetes OpenAPI types with unknown fields rejected', () => {
    const core = objectsOf(example).filter((o) => isCoreApi(o.apiVersion));
    expect(core.length).toBeGreaterThan(0);
    expect(validateCoreObjects(core)).toEqual([]);
  });
});

describe.each(examples)('the kind registry and %s', (example) => {
  it('declares every emitted kind with the apiVersion and scope the objects have', () => {
    const mismatches = objectsOf(example).flatMap((o) => {
      const info = kindInfo(o.kind);
      const namespaced = o.metadata.namespace !== undefined;
      if (info === undefined) return [`${o.kind}: not in model/kinds.ts`];
      if (info.apiVersion !== o.apiVersion)
        return [`${o.kind}: emitted as ${o.apiVersion}, registry says ${info.apiVersion}`];
      if (info.namespaced !== namespaced)
        return [`${o.kind} ${o.metadata.name}: namespaced=${namespaced}, registry says ${info.namespaced}`];
      return [];
    });
    expect([...new Set(mismatches)]).toEqual([]);
  });
});

describe('the core validator', () => {
  it('fails an object with an unknown field or a wrong type', () => {
    const errors = validateCoreObjects([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, spek: {} },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'b', namespace: 'a' },
        spec: { podSelector: {}, policyTypes: 'Ingress' },
      },
    ]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^Namespace\/\/a: .*spek/);
    expect(errors[1]).toMatch(/^NetworkPolicy\/a\/b: .*string/);
  });
});

describeWithCrds('custom resources', () => {
  describe.each(examples)('of %s', (example) => {
    it('use the storage version and exactly the fields of their upstream CRD', () => {
      const custom = objectsOf(example).filter((o) => !isCoreApi(o.apiVersion));
      expect(custom.length).toBeGreaterThan(0);
      expect(custom.flatMap(validateCustomResource)).toEqual([]);
    });
  });

  describe.each(examples)('of %s', (example) => {
    it('satisfy every x-kubernetes-validations CEL rule of their CRD (evaluated with @bufbuild/cel)', () => {
      const custom = objectsOf(example).filter((o) => !isCoreApi(o.apiVersion));
      expect(custom.flatMap((o) => validateCelRules(o))).toEqual([]);
      if (example === 'colossus-1.yaml') {
        const checked = new Set(custom.filter((o) => countCelRules(o) > 0).map((o) => o.kind));
        for (const kind of ['ClusterQueue', 'ResourceFlavor', 'Topology', 'NVIDIADriver', 'NicConfigurationTemplate']) {
          expect(checked).toContain(kind);
        }
      }
    });
  });

  it('the example jobs’ custom resources match their CRDs, CEL rules included', () => {
    const custom = jobObjects().filter((o) => !isCoreApi(o.apiVersion));
    expect(custom.map((o) => o.kind).sort()).toEqual([
      'ComputeDomain',
      'JobSet',
      'JobSet',
      'JobSet',
      'LeaderWorkerSet',
    ]);
    expect(custom.flatMap(validateCustomResource)).toEqual([]);
    expect(custom.flatMap((o) => validateCelRules(o))).toEqual([]);
  });

  it('transition rules (oldSelf): a ResourceFlavor keeps its topologyName, so moving gb200 to the NVLink topology replaces it', () => {
    const flavor = objectsOf('colossus-1.yaml').find(
      (o) => o.kind === 'ResourceFlavor' && o.metadata.name === 'gb200',
    )!;
    const spec = flavor.spec as Record<string, unknown>;
    expect(validateCelRules(flavor, flavor)).toEqual([]);
    // The flavor as main emitted it, before the NVLink clique topology (kueue v0.19.2 CRD: topologyName immutable).
    const before = { ...flavor, spec: { ...spec, topologyName: 'block-rack-host' } };
    expect(validateCelRules(flavor, before)).toEqual([expect.stringMatching(/^ResourceFlavor\/\/gb200: \/spec: /)]);
    // On create there is no old object: the transition rule does not run.
    expect(validateCelRules(flavor, undefined)).toEqual([]);
  });

  it('CEL rules fail hostile objects: borrowing without a cohort, Spectrum-X tuning with VFs', () => {
    const queue = {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ClusterQueue',
      metadata: { name: 'x' },
      spec: {
        resourceGroups: [
          {
            coveredResources: ['nvidia.com/gpu'],
            flavors: [
              { name: 'h100', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '8', borrowingLimit: '8' }] },
            ],
          },
        ],
      },
    };
    expect(validateCelRules(queue)).toEqual([expect.stringMatching(/borrowingLimit must be nil when cohort is empty/)]);
    const nic = {
      apiVersion: 'configuration.net.nvidia.com/v1alpha1',
      kind: 'NicConfigurationTemplate',
      metadata: { name: 'x', namespace: 'y' },
      spec: {
        nicSelector: { nicType: 'a2dc' },
        template: { numVfs: 8, linkType: 'Ethernet', spectrumXOptimized: { enabled: true, version: 'RA2.1' } },
      },
    };
    expect(validateCelRules(nic)).toEqual([
      "NicConfigurationTemplate/y/x: /spec/template: spectrumXOptimized can be enabled only when linkType=='Ethernet' and numVfs==1",
    ]);
    expect(validateCelRules({ ...nic, spec: { ...nic.spec, template: { ...nic.spec.template, numVfs: 1 } } })).toEqual(
      [],
    );
  });

  it("evaluates the CRDs' CEL rules (x-kubernetes-validations) and fails an object that breaks one", () => {
    const kcp = objectsOf('cells.yaml').find((o) => o.kind === 'KubeadmControlPlane')!;
    const spec = kcp.spec as {
      kubeadmConfigSpec: { clusterConfiguration: { etcd: { local: { extraArgs: unknown[] } } } };
    };
    const args = spec.kubeadmConfigSpec.clusterConfiguration.etcd.local.extraArgs;
    const twice = JSON.parse(JSON.stringify(kcp));
    twice.spec.kubeadmConfigSpec.clusterConfiguration.etcd.local.extraArgs = [
      ...args,
      { name: 'max-request-bytes', value: '1' },
    ];
    expect(validateCustomResource(kcp)).toEqual([]);
    expect(validateCustomResource(twice)).toEqual([expect.stringMatching(/extraArgs.*extraArgs name must be unique/)]);
  });

  it('fails a deprecated version, an unknown field and a wrong type', () => {
    const flavor = { apiVersion: 'kueue.x-k8s.io/v1beta1', kind: 'ResourceFlavor', metadata: { name: 'x' }, spec: {} };
    expect(validateCustomResource(flavor)).toEqual([expect.stringMatching(/not the storage version.*v1beta2/)]);
    const queue = {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ClusterQueue',
      metadata: { name: 'x' },
      spec: { cohort: 'old-field-name', queueingStrategy: 7 },
    };
    const errors = validateCustomResource(queue);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/must NOT have additional properties "cohort"/),
        expect.stringMatching(/queueingStrategy must be string/),
      ]),
    );
  });
});
