/**
 * The floor of the benchmark: the smallest useful cdktf app (one stack, its backend and
 * kubernetes provider, one kubernetes_manifest), synthesized into `argv[2]`. Whatever
 * colossus-cdktf costs beyond this is the toolkit's own. With a count in `argv[3]` it declares
 * that many manifests (one Namespace each), for cdktf's own cost at a size's resource count.
 */
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { App, LocalBackend, TerraformStack } from 'cdktf';

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: floor-app OUTDIR');
const app = new App({ outdir, stackTraces: false });
const stack = new TerraformStack(app, 'floor');
new LocalBackend(stack, { path: 'floor.tfstate' });
new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config', configContext: 'floor' });
const count = Number(process.argv[3] ?? 1);
for (let i = 0; i < count; i++) {
  new Manifest(stack, `namespace_floor_${i}`, {
    manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `floor-${i}` } },
  });
}
app.synth();
