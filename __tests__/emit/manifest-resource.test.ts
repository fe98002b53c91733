/**
 * The lean resources must write exactly what cdktf's classes write for the arguments this toolkit
 * sets: kubernetes_manifest as the provider binding (@cdktf/provider-kubernetes Manifest) writes it,
 * with the import block of `importFrom`, and terraform_data as cdktf's DataResource writes it (unlike
 * those classes, they run no `terraform version`: __tests__/cli/user-path.test.ts).
 */
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { DataResource, Testing, TerraformStack } from 'cdktf';
import { KubernetesManifest, TerraformData } from '../../emit/manifest-resource';

const object = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'n', labels: { a: 'b' } },
  data: { template: '$${literal}', list: '[1,2]' },
};

function synth(lean: boolean): Record<string, unknown> {
  const stack = new TerraformStack(Testing.app(), 's');
  const make = (id: string, extra: object) =>
    lean
      ? new KubernetesManifest(stack, id, {
          manifest: object,
          fieldManager: { name: 'fm', forceConflicts: false },
          ...extra,
        })
      : new Manifest(stack, id, { manifest: object, fieldManager: { name: 'fm', forceConflicts: false }, ...extra });
  const ns = make('ns', {});
  make('obj', { dependsOn: [ns], lifecycle: { preventDestroy: true } });
  return JSON.parse(Testing.synth(stack));
}

describe('KubernetesManifest', () => {
  it('synthesizes the same Terraform JSON as the provider binding, meta-arguments included', () => {
    const lean = synth(true);
    expect(lean).toEqual(synth(false));
    const resource = (lean.resource as Record<string, Record<string, Record<string, unknown>>>).kubernetes_manifest.obj;
    expect(resource).toMatchObject({
      manifest: object,
      field_manager: { name: 'fm', force_conflicts: false },
      depends_on: ['kubernetes_manifest.ns'],
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe('import blocks and terraform_data', () => {
  it('an adopted manifest writes the import block and stack metadata that importFrom writes, byte for byte', () => {
    const build = (lean: boolean) => {
      const stack = new TerraformStack(Testing.app(), 's');
      const config = { manifest: object, fieldManager: { name: 'fm', forceConflicts: true } };
      if (lean) new KubernetesManifest(stack, 'obj', { ...config, importId: 'v1//ConfigMap//c//n' });
      else new Manifest(stack, 'obj', config).importFrom('v1//ConfigMap//c//n');
      return Testing.synth(stack);
    };
    expect(build(true)).toBe(build(false));
    expect(JSON.parse(build(true)).import).toEqual([{ id: 'v1//ConfigMap//c//n', to: 'kubernetes_manifest.obj' }]);
  });

  it('terraform_data writes what DataResource writes, byte for byte', () => {
    const build = (lean: boolean) => {
      const stack = new TerraformStack(Testing.app(), 's');
      const input = { 'spec.selector': '{"app":"x"}', template: '$${literal}' };
      const data = lean ? new TerraformData(stack, 'd', { input }) : new DataResource(stack, 'd', { input });
      data.overrideLogicalId('d_immutable');
      return Testing.synth(stack);
    };
    expect(build(true)).toBe(build(false));
  });
});
