/** Storage checks: each fails synthesis with the field path, the numbers and a fix. */
import { run } from '../../cli/main';
import { SpecIssue } from '../../spec/errors';
import { parseSpec } from '../../spec/load';
import { checkpointDemands, tenantGpus } from '../../storage/checkpoint';
import { resolveStorage, tibQuantity } from '../../storage/model';
import { specIssues } from '../support/spec-issues';
import { storageSpec, STORAGE_SPEC } from '../support/storage-spec';
import { writeSpec } from '../support/synth';

const path = (i: SpecIssue) => i.path.join('.');

describe('storage checks', () => {
  it('accept the example storage spec', () => {
    expect(specIssues(STORAGE_SPEC)).toEqual([]);
  });

  it('fails a share of an unknown filesystem, suggesting the nearest', () => {
    const issues = specIssues(storageSpec((s) => (s.tenants[1].storage[0].filesystem = 'fats')));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'unknown-filesystem',
        path: ['spec', 'tenants', 1, 'storage', 0, 'filesystem'],
        message: 'no filesystem in spec.storage is named "fats"',
        fix: 'did you mean "fast"?',
        line: expect.any(Number),
      }),
    ]);
  });

  it('fails a share when the spec declares no filesystem at all', () => {
    const issues = specIssues(
      storageSpec((s) => {
        delete s.storage;
        delete s.tenants[0].storage;
      }),
    );
    expect(issues.map((i) => [i.code, i.fix])).toEqual([
      ['unknown-filesystem', 'declare the filesystem under spec.storage'],
    ]);
  });

  it('fails tenant shares above the filesystem capacity, with every share and the excess', () => {
    const issues = specIssues(storageSpec((s) => (s.tenants[1].storage[0].capacityTiB = 55)));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'storage-exceeds-filesystem',
      path: ['spec', 'storage', 0, 'capacityTiB'],
    });
    expect(issues[0].message).toBe(
      'tenants claim 115 TiB of filesystem "fast" (team-a: 60 TiB, team-b: 55 TiB), but it has 100 TiB',
    );
    expect(issues[0].fix).toBe("lower the tenants' shares by 15 TiB or raise capacityTiB to 115");
  });

  it('fails volumes above the tenant share, listing them', () => {
    const issues = specIssues(storageSpec((s) => (s.tenants[0].storage[0].capacityTiB = 45)));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'volumes-exceed-share',
      path: ['spec', 'tenants', 0, 'storage', 0, 'volumes'],
      message:
        'volumes of tenant "team-a" on "fast" total 50 TiB (datasets: 20 TiB, checkpoints: 30 TiB), more than its share of 45 TiB',
      fix: "shrink the volumes by 5 TiB or raise the share's capacityTiB to 50",
    });
  });

  it("fails a share in a namespace that is not the tenant's", () => {
    const issues = specIssues(storageSpec((s) => (s.tenants[0].storage[1].namespace = 'team-b')));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'unknown-namespace',
        path: ['spec', 'tenants', 0, 'storage', 1, 'namespace'],
        message: 'namespace "team-b" is not one of tenant "team-a"\'s namespaces (a-train, a-serve)',
      }),
    ]);
  });

  it('fails two shares of one filesystem in one namespace', () => {
    const issues = specIssues(
      storageSpec((s) => s.tenants[0].storage.push({ filesystem: 'scratch', capacityTiB: 1, namespace: 'a-serve' })),
    );
    expect(issues.map((i) => [i.code, path(i)])).toEqual([['duplicate-storage-share', 'spec.tenants.0.storage.2']]);
    expect(issues[0].message).toContain('(storage[1] and storage[2])');
  });

  it('fails volumes on node-local scratch', () => {
    const issues = specIssues(
      storageSpec((s) => (s.tenants[0].storage[1].volumes = [{ name: 'tmp', purpose: 'datasets', capacityTiB: 1 }])),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'volume-on-local-storage',
        path: ['spec', 'tenants', 0, 'storage', 1, 'volumes'],
        fix: expect.stringContaining(
          'generic ephemeral volumes of StorageClass "scratch"; the share (10 TiB) caps them',
        ),
      }),
    ]);
  });

  it('fails a repeated filesystem name and a repeated volume name in one namespace', () => {
    const issues = specIssues(
      storageSpec((s) => {
        s.storage.push({ ...s.storage[1], capacityTiB: 1 });
        s.tenants[0].storage[0].volumes[1].name = 'datasets';
      }),
    );
    expect(issues.map((i) => [i.code, path(i)])).toEqual([
      ['duplicate-name', 'spec.storage.2.name'],
      ['duplicate-name', 'spec.tenants.0.storage.0.volumes.1.name'],
    ]);
    expect(issues[1].message).toBe('volume "datasets" in namespace "a-train" is declared by storage[0].volumes[0] too');
  });

  it('fails a mount option holding several options', () => {
    const issues = specIssues(storageSpec((s) => (s.storage[0].mountOptions = ['nconnect=16,vers=4.1'])));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'invalid-format',
        path: ['spec', 'storage', 0, 'mountOptions', 0],
        fix: 'write one option per item, without spaces or commas, for example "nconnect=16"',
      }),
    ]);
  });

  it('fails a filesystem kind outside the schema', () => {
    const issues = specIssues(storageSpec((s) => (s.storage[0].kind = 'lustre')));
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid-value', path: ['spec', 'storage', 0, 'kind'] })]);
  });

  describe('the checkpoint bandwidth model', () => {
    it('computes GPUs x state per GPU / target seconds, split over the checkpoint volumes by size', () => {
      const spec = storageSpec((s) => {
        s.checkpoint = { stateGBPerGpu: 30, targetSeconds: 60 };
        s.storage.push({ name: 'nfs', kind: 'nfs', csiDriver: 'nfs.csi.k8s.io', capacityTiB: 20, throughputGBps: 1 });
        s.tenants[0].storage.push({
          filesystem: 'nfs',
          capacityTiB: 10,
          volumes: [{ name: 'more-checkpoints', purpose: 'checkpoints', capacityTiB: 10 }],
        });
      });
      const { cluster } = parseSpec(spec, 'spec.yaml');
      const [fast, scratch, nfs] = checkpointDemands(cluster.storage, tenantGpus(cluster.tenants));
      // team-a: 16 x 30 / 60 = 8 GB/s, 30 of its 40 checkpoint TiB on "fast"; team-b: 8 GB/s, all on "fast".
      expect(fast).toEqual({
        filesystem: 'fast',
        throughputGBps: 10,
        demandGBps: 14,
        byTenant: { 'team-a': 6, 'team-b': 8 },
      });
      expect(nfs).toEqual({ filesystem: 'nfs', throughputGBps: 1, demandGBps: 2, byTenant: { 'team-a': 2 } });
      expect(scratch.demandGBps).toBe(0);
    });

    it('uses 4 GB per GPU within 120 seconds when the spec does not say', () => {
      const storage = resolveStorage(parseSpec(STORAGE_SPEC, 'spec.yaml').document.spec);
      expect(storage.checkpoint).toEqual({ stateGBPerGpu: 4, targetSeconds: 120, enforce: false });
    });

    it('fails synthesis with the numbers when the spec enforces it', () => {
      const issues = specIssues(
        storageSpec((s) => (s.checkpoint = { stateGBPerGpu: 80, targetSeconds: 60, enforce: true })),
      );
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'checkpoint-bandwidth',
          path: ['spec', 'storage', 0, 'throughputGBps'],
          message:
            'checkpoints on filesystem "fast" need 42.7 GB/s (team-a: 21.3, team-b: 21.3; GPUs x 80 GB / 60 s), more than its 10 GB/s throughput',
        }),
      ]);
    });

    it('is only a warning without enforce, printed by colossus validate', () => {
      const spec = storageSpec((s) => (s.checkpoint = { stateGBPerGpu: 80, targetSeconds: 60 }));
      expect(specIssues(spec)).toEqual([]);
      const lines: string[] = [];
      const code = run(['validate', '--spec', writeSpec(spec)], {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
      });
      expect(code).toBe(0);
      expect(lines[1]).toBe(
        'warning: checkpoints on filesystem "fast" need 42.7 GB/s (team-a: 21.3, team-b: 21.3; GPUs x 80 GB / 60 s), more than its 10 GB/s throughput',
      );
    });
  });

  it('writes fractions of a TiB as exact GiB quantities', () => {
    expect(tibQuantity(20000)).toBe('20000Ti');
    expect(tibQuantity(0.5)).toBe('512Gi');
  });
});
