/**
 * Semantic checks of the storage parts of a spec: every share names a declared filesystem and one
 * of the tenant's namespaces, volumes fit their share, shares fit their filesystem (an offboarded
 * tenant's share counts: its retained volumes stay on it). Whether checkpoints fit a filesystem's
 * throughput is the storage planner's rule (storage/planner.ts), on the resolved cluster.
 */
import { resolveShares, sumTiB, tib } from '../storage/model';
import { tenantNamespaces } from './derived-defaults';
import { reportDuplicateNames } from './duplicate-names';
import { SpecIssue, SpecPath, showValue } from './errors';
import { ClusterSpec } from './types';
import { nearest } from './validate-schema';

/** The parts of a spec the storage checks read. */
export type StorageCheckInput = Pick<ClusterSpec, 'storage' | 'tenants'>;

/** Every storage issue of a schema-valid spec. `base` prefixes the reported paths. */
export function checkStorage(input: StorageCheckInput, base: SpecPath = ['spec']): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const issue = (code: string, path: SpecPath, message: string, fix: string): void => {
    issues.push({ code, path: [...base, ...path], message, fix });
  };
  const filesystems = input.storage ?? [];
  const names = filesystems.map((f) => f.name);
  reportDuplicateNames(
    filesystems,
    {
      what: 'filesystem',
      list: 'storage',
      at: (i) => ['storage', i],
      fix: 'give every filesystem its own name (it names the StorageClass)',
    },
    issue,
  );

  const claims = new Map<string, [string, number][]>();
  input.tenants.forEach((tenant, t) => {
    const namespaces = tenantNamespaces(tenant);
    const shares = resolveShares(tenant);
    const seenShare = new Map<string, number>();
    const seenVolume = new Map<string, string>();
    shares.forEach((share, s) => {
      const at = (...rest: (string | number)[]): SpecPath => ['tenants', t, 'storage', s, ...rest];
      const fs = filesystems.find((f) => f.name === share.filesystem);
      if (!fs) {
        const near = nearest(share.filesystem, names);
        issue(
          'unknown-filesystem',
          at('filesystem'),
          `no filesystem in spec.storage is named ${showValue(share.filesystem)}`,
          near
            ? `did you mean "${near}"?`
            : names.length
              ? `use one of ${names.join(', ')}`
              : 'declare the filesystem under spec.storage',
        );
      }
      if (!namespaces.includes(share.namespace)) {
        issue(
          'unknown-namespace',
          at('namespace'),
          `namespace ${showValue(share.namespace)} is not one of tenant "${tenant.name}"'s namespaces (${namespaces.join(', ')})`,
          `use one of ${namespaces.join(', ')}, or add it to the tenant's namespaces`,
        );
      }
      const shareKey = `${share.filesystem}/${share.namespace}`;
      const earlier = seenShare.get(shareKey);
      if (earlier !== undefined) {
        issue(
          'duplicate-storage-share',
          at(),
          `tenant "${tenant.name}" has two shares of "${share.filesystem}" in namespace "${share.namespace}" (storage[${earlier}] and storage[${s}])`,
          'merge them into one share: add up their capacityTiB and list all volumes under it',
        );
      }
      seenShare.set(shareKey, s);
      claims.set(share.filesystem, [...(claims.get(share.filesystem) ?? []), [tenant.name, share.capacityTiB]]);

      if (fs?.kind === 'local-nvme' && share.volumes.length > 0) {
        issue(
          'volume-on-local-storage',
          at('volumes'),
          `filesystem "${fs.name}" is node-local NVMe scratch, which cannot hold the ${share.volumes.length} shared volume(s) of tenant "${tenant.name}"`,
          `remove volumes here and request scratch from pods as generic ephemeral volumes of StorageClass "${fs.name}"; the share (${tib(share.capacityTiB)}) caps them`,
        );
      }
      const volumesTiB = sumTiB(share.volumes);
      if (volumesTiB > share.capacityTiB) {
        const list = share.volumes.map((v) => `${v.name}: ${tib(v.capacityTiB)}`).join(', ');
        issue(
          'volumes-exceed-share',
          at('volumes'),
          `volumes of tenant "${tenant.name}" on "${share.filesystem}" total ${tib(volumesTiB)} (${list}), more than its share of ${tib(share.capacityTiB)}`,
          `shrink the volumes by ${tib(volumesTiB - share.capacityTiB)} or raise the share's capacityTiB to ${volumesTiB}`,
        );
      }
      share.volumes.forEach((v, i) => {
        const key = `${v.namespace}/${v.name}`;
        const where = seenVolume.get(key);
        if (where !== undefined) {
          issue(
            'duplicate-name',
            at('volumes', i, 'name'),
            `volume "${v.name}" in namespace "${v.namespace}" is declared by ${where} too`,
            'give every volume of a namespace its own name (it names the PersistentVolumeClaim)',
          );
        }
        seenVolume.set(key, `storage[${s}].volumes[${i}]`);
      });
    });
  });

  filesystems.forEach((fs, i) => {
    if (names.indexOf(fs.name) !== i) return; // a repeated name is reported above
    const shares = claims.get(fs.name) ?? [];
    const claimed = shares.reduce((n, [, c]) => n + c, 0);
    if (claimed > fs.capacityTiB) {
      issue(
        'storage-exceeds-filesystem',
        ['storage', i, 'capacityTiB'],
        `tenants claim ${tib(claimed)} of filesystem "${fs.name}" (${shares.map(([t, c]) => `${t}: ${tib(c)}`).join(', ')}), but it has ${tib(fs.capacityTiB)}`,
        `lower the tenants' shares by ${tib(claimed - fs.capacityTiB)} or raise capacityTiB to ${claimed}`,
      );
    }
  });

  return issues;
}
