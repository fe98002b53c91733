/**
 * An app composed from the constructs synthesizes through the same pipeline as a spec
 * (ColossusApp): a complete output that audit, diff and report read, data retention through its
 * ledger, and errors that are colossus errors (construct path, code, fix) with nothing written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ColossusApp, ColossusAppProps } from '../../emit/colossus-app';
import { Filesystem } from '../../constructs/filesystem';
import { GpuNodePool } from '../../constructs/gpu-node-pool';
import { Tenant } from '../../constructs/tenant';
import { TenantStorage } from '../../constructs/tenant-storage';
import { auditOutput } from '../../review/audit';
import { TenantGuards } from '../../constructs/tenant-guards';
import { diffOutputs } from '../../review/diff';
import { readOutput } from '../../review/read-output';
import { renderReportMarkdown } from '../../review/report';
import { ColossusStack } from '../../stacks/colossus-stack';
import { tempDir } from '../support/synth';

/** A pool, a tenant with a protected volume on a filesystem; `volume: false` drops the volume. */
function compose(props: Omit<ColossusAppProps, 'cluster'>, opts: { volume?: boolean; quota?: number } = {}) {
  const app = new ColossusApp({ cluster: 'acme', ...props });
  const platform = new ColossusStack(app, 'acme-platform', { kubeContext: 'acme' });
  // The hostile-tenant guards: without them colossus audit reports every isolation path open.
  new TenantGuards(platform, 'tenant-guards');
  const pool = new GpuNodePool(platform, 'h100', { name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 2 });
  const fs1 = new Filesystem(platform, 'vast', {
    name: 'vast',
    kind: 'parallel-filesystem',
    csiDriver: 'csi.vastdata.com',
    capacityTiB: 100,
    throughputGBps: 10,
  });
  const tenantStack = new ColossusStack(app, 'acme-tenant-lab', { kubeContext: 'acme' });
  new Tenant(tenantStack, 'tenant', {
    name: 'lab',
    groups: ['acme:lab'],
    gpuQuota: { h100: opts.quota ?? 8 },
    clusterName: 'acme',
    kubernetesVersion: '1.33',
    pools: [pool.pool],
    protectedNamespaces: opts.volume === false ? [] : ['lab'],
  });
  new TenantStorage(tenantStack, 'storage', {
    name: 'lab',
    storage: [
      {
        filesystem: 'vast',
        capacityTiB: 50,
        volumes: opts.volume === false ? [] : [{ name: 'ckpt', purpose: 'checkpoints', capacityTiB: 10 }],
      },
    ],
    filesystems: [fs1.filesystem],
  });
  return app;
}

describe('an app composed from the constructs', () => {
  const dir = tempDir();
  const out = path.join(dir, 'cdktf.out');
  const ledger = path.join(dir, 'acme.protected.json');
  const first = compose({ outdir: out, dataRecords: ledger });
  first.synth();
  const base = path.join(dir, 'base');
  fs.cpSync(out, base, { recursive: true });

  it('writes stacks, manifests and a summary that audit and report read', () => {
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'manifests', 'reports', 'stacks']);
    const output = readOutput(out, { yamlAlways: true });
    expect(output.summary).toMatchObject({
      cluster: 'acme',
      gpus: 16,
      pools: { h100: { gpus: 16, nodes: 2 } },
      tenants: { lab: { namespaces: ['lab'], groups: ['acme:lab'], gpuQuota: { h100: 8 } } },
      stacks: { 'acme-platform': { objects: expect.any(Number) }, 'acme-tenant-lab': { objects: expect.any(Number) } },
    });
    expect(auditOutput(output).findings).toEqual([]);
    expect(renderReportMarkdown(output)).toContain('# acme at a glance');
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('records its protected data in its ledger', () => {
    const records = JSON.parse(fs.readFileSync(ledger, 'utf8'));
    expect(records.protected.map((r: { kind: string; name: string }) => `${r.kind}/${r.name}`)).toEqual([
      'Namespace/lab',
      'PersistentVolumeClaim/ckpt',
    ]);
  });

  it('keeps a volume dropped from the code: a removed block, never a destroy, and diff shows it kept', () => {
    compose({ outdir: out, dataRecords: ledger }, { volume: false }).synth();
    const json = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'acme-tenant-lab', 'cdk.tf.json'), 'utf8'));
    expect(json.removed).toContainEqual({
      from: 'kubernetes_manifest.persistentvolumeclaim_lab_ckpt',
      lifecycle: { destroy: false },
    });
    // No stale manifest of the dropped volume survives.
    const yaml = fs
      .readdirSync(path.join(out, 'manifests', 'acme-tenant-lab'))
      .map((f) => fs.readFileSync(path.join(out, 'manifests', 'acme-tenant-lab', f), 'utf8'))
      .join('\n');
    expect(yaml).not.toContain('name: ckpt');
    const d = diffOutputs(readOutput(base), readOutput(out));
    const pvc = d.stacks.flatMap((s) => s.changes).find((c) => c.identity === 'PersistentVolumeClaim/lab/ckpt')!;
    expect(pvc.risk).toBe('low');
    expect(pvc.risks[0].reason).toMatch(/forgets it without destroying it/);
  });

  it('fails with colossus errors (construct path, code, fix), never cdktf skipValidation hint, and writes nothing', () => {
    const before = fs.readFileSync(path.join(out, 'reports', 'summary.json'), 'utf8');
    const app = compose({ outdir: out, dataRecords: ledger }, { quota: 64 });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^1 problem in the app; nothing was written to /);
    expect(message).toContain('[acme-platform/h100] error[quota-exceeds-pool] nodePools[0]: tenants are given 64 GPUs');
    expect(message).toContain('error[quota-exceeds-pool]');
    expect(message).toContain('fix:');
    expect(message).not.toMatch(/skipValidation/);
    expect(fs.readFileSync(path.join(out, 'reports', 'summary.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-') || f.endsWith('.lock'))).toEqual([]);
  });
});
