/**
 * Every object of every example validates against its upstream schema: core kinds against the
 * Kubernetes OpenAPI types, custom resources against the upstream CRD storage version.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubeObject } from '../model/kube';
import { celStats, describeWithCrds, validateCustomResource } from './support/crd-validator';
import { isCoreApi, validateCoreObjects } from './support/core-validator';
import { ROOT, synthToTemp } from './support/synth';

const examples = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const objectsOf = (example: string): KubeObject[] => {
  const out = synthToTemp(`examples/${example}`);
  return out.stacks.flatMap((s) => out.yamlObjects(s));
};

describe.each(examples)('core objects of %s', (example) => {
  it('validate against the Kubernetes OpenAPI types with unknown fields rejected', () => {
    const core = objectsOf(example).filter((o) => isCoreApi(o.apiVersion));
    expect(core.length).toBeGreaterThan(0);
    expect(validateCoreObjects(core)).toEqual([]);
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

  it("evaluates the CRDs' CEL rules (x-kubernetes-validations) and fails an object that breaks one", () => {
    expect(celStats.evaluated).toBeGreaterThan(0);
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
    expect(validateCustomResource(twice)).toEqual([
      expect.stringMatching(/extraArgs violates .*extraArgs name must be unique/),
    ]);
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
