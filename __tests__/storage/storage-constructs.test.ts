/** Storage constructs composed in code are validated like specs: props at creation, shares at synth. */
import { Testing } from 'cdktf';
import { Filesystem } from '../../constructs/filesystem';
import { Tenant } from '../../constructs/tenant';
import { TenantStorage } from '../../constructs/tenant-storage';
import { FilesystemSpec } from '../../spec/types';
import { ColossusStack } from '../../stacks/colossus-stack';

const stack = () => new ColossusStack(Testing.app(), 'test', { kubeContext: 'kind-test' });
const fast: FilesystemSpec = {
  name: 'fast',
  kind: 'parallel-filesystem',
  csiDriver: 'csi.vastdata.com',
  capacityTiB: 100,
  throughputGBps: 10,
};

describe('storage constructs composed in code', () => {
  it('emit a StorageClass from a Filesystem', () => {
    const s = stack();
    const fs = new Filesystem(s, 'fast', fast);
    expect(fs.storageClassName).toBe('fast');
    expect(s.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['StorageClass/fast']);
  });

  it('fail filesystem props the spec schema would refuse, naming the field', () => {
    expect(() => new Filesystem(stack(), 'fs', { ...fast, name: 'Fast_1', throughputGBps: 0 })).toThrow(
      /test\/fs: invalid filesystem props:\n {2}error\[invalid-format\] name: "Fast_1" .*\n {2}error\[out-of-range\] throughputGBps: 0/,
    );
  });

  it('fail tenant storage props the spec schema would refuse', () => {
    const storage = [
      { filesystem: 'fast', capacityTiB: 1, volumes: [{ name: 'x', purpose: 'cache', capacityTiB: 1 }] },
    ];
    // @ts-expect-error: "cache" is not a volume purpose
    expect(() => new TenantStorage(stack(), 'st', { name: 'a', storage, filesystems: [fast] })).toThrow(
      /test\/st: invalid tenant storage props:\n {2}error\[invalid-value\] storage\[0\]\.volumes\[0\]\.purpose: "cache"/,
    );
  });

  it('fail synthesis when tenants together exceed a filesystem, at each tenant with a share of it', () => {
    const s = stack();
    new TenantStorage(s, 'a', { name: 'a', storage: [{ filesystem: 'fast', capacityTiB: 70 }], filesystems: [fast] });
    new TenantStorage(s, 'b', { name: 'b', storage: [{ filesystem: 'fast', capacityTiB: 40 }], filesystems: [fast] });
    const error =
      /\[test\/a\] +error\[storage-exceeds-filesystem\] storage\[0\]\.capacityTiB: tenants claim 110 TiB of filesystem "fast" \(a: 70 TiB, b: 40 TiB\), but it has 100 TiB/;
    expect(() => Testing.synth(s, true)).toThrow(error);
    expect(() => Testing.synth(s, true)).toThrow(/\[test\/b\] +error\[storage-exceeds-filesystem\]/);
  });

  it('fail synthesis for a share of a filesystem the tenant was not given', () => {
    const s = stack();
    new TenantStorage(s, 'a', { name: 'a', storage: [{ filesystem: 'slow', capacityTiB: 1 }], filesystems: [fast] });
    expect(() => Testing.synth(s, true)).toThrow(
      /\[test\/a\] +error\[unknown-filesystem\] tenants\[0\]\.storage\[0\]\.filesystem: no filesystem in spec\.storage is named "slow"/,
    );
  });

  it('synthesize shares that fit', () => {
    const s = stack();
    new TenantStorage(s, 'a', {
      name: 'a',
      storage: [
        { filesystem: 'fast', capacityTiB: 60, volumes: [{ name: 'ckpt', purpose: 'checkpoints', capacityTiB: 60 }] },
      ],
      filesystems: [fast],
    });
    expect(() => Testing.synth(s, true)).not.toThrow();
    expect(s.stackObjects.find((e) => e.object.kind === 'PersistentVolumeClaim')?.options).toEqual({
      protectData: true,
    });
  });

  it('fail synthesis when the namespace holding protected volumes is not protected, and protect it when asked', () => {
    const build = (protectedNamespaces?: string[]) => {
      const s = stack();
      new Tenant(s, 'tenant', {
        name: 'a',
        groups: ['g'],
        gpuQuota: {},
        clusterName: 'c',
        kubernetesVersion: '1.33',
        pools: [],
        protectedNamespaces,
      });
      new TenantStorage(s, 'storage', {
        name: 'a',
        storage: [
          { filesystem: 'fast', capacityTiB: 10, volumes: [{ name: 'ckpt', purpose: 'checkpoints', capacityTiB: 10 }] },
        ],
        filesystems: [fast],
      });
      return s;
    };
    expect(() => Testing.synth(build(), true)).toThrow(
      /\[test\/storage\] +error\[unprotected-namespace\] namespace "a" holds protected volumes \(ckpt\) but is not protected: deleting it would delete them \(fix: pass protectedNamespaces: \["a"\] to the tenant's Tenant construct\)/,
    );
    const safe = build(['a']);
    expect(() => Testing.synth(safe, true)).not.toThrow();
    const ns = safe.stackObjects.find((e) => e.object.kind === 'Namespace')!;
    expect(ns.options).toEqual({ protectData: true });
    expect(ns.object.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });
});
