/**
 * The lean kubernetes_manifest resource must write exactly what the provider binding
 * (@cdktf/provider-kubernetes Manifest) writes for the arguments this toolkit sets.
 */
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Testing, TerraformStack } from 'cdktf';
import { KubernetesManifest } from '../../emit/manifest-resource';

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
