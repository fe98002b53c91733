/** Operator releases that survive a failed first install, chart upgrades and a mistaken removal (issue 19 items 4, 10, 11). */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { synthToTemp } from '../support/synth';

const out = synthToTemp('examples/lab.yaml');
const releases = out.cdktf('lab-operators').resource?.helm_release ?? {};
const helmfile = parse(fs.readFileSync(path.join(out.outdir, 'helmfile.yaml'), 'utf8')) as {
  releases: { name: string; disableOpenAPIValidation?: boolean; values: Record<string, unknown>[] }[];
};

describe('operator releases (terraform-provider-helm v3.1.1 helm/resource_helm_release.go)', () => {
  it('set upgrade_install, so a release left by a failed first install is upgraded, not refused ("cannot re-use a name")', () => {
    expect(Object.keys(releases).sort()).toEqual([
      'cilium',
      'gpu_operator',
      'kueue',
      'network_operator',
      'node_feature_discovery',
    ]);
    for (const r of Object.values(releases)) expect(r.upgrade_install).toBe(true);
  });

  it('refuse to be destroyed or replaced (name and namespace are RequiresReplace): Kueue v0.19.2 CRDs are chart templates', () => {
    for (const r of Object.values(releases)) expect(r.lifecycle).toEqual({ prevent_destroy: true });
  });

  it('upgrade the GPU Operator CRDs with OpenAPI validation off (gpu-operator v26.7.0 values.yaml operator.upgradeCRD), in Terraform and helmfile', () => {
    expect(releases.gpu_operator.disable_openapi_validation).toBe(true);
    for (const name of ['kueue', 'network_operator', 'node_feature_discovery']) {
      expect(releases[name].disable_openapi_validation).toBeUndefined();
    }
    const byName = new Map(helmfile.releases.map((r) => [r.name, r]));
    expect(byName.get('gpu-operator')?.disableOpenAPIValidation).toBe(true);
    expect(byName.get('kueue')?.disableOpenAPIValidation).toBeUndefined();
  });

  it('turn off the NFD v0.19.0 post-delete hook that strips every node label (templates/post-delete-job.yaml)', () => {
    const values = parse((releases.node_feature_discovery.values as string[])[0]) as Record<string, unknown>;
    expect(values.postDeleteCleanup).toBe(false);
    expect(helmfile.releases.find((r) => r.name === 'node-feature-discovery')?.values[0].postDeleteCleanup).toBe(false);
  });
});
