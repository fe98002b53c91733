/**
 * Terraform addresses change only where issue 19 requires it. The address list of every example
 * before the issue is in fixtures/addresses-before-i19.json (main at 5e36983). Allowed changes:
 * - item 2: the nv-ipam IPPools move from `<cluster>-platform` to the new `<cluster>-fabric` stack
 *   (same resource address, another state): their CRD exists only after the platform's
 *   NicClusterPolicy is reconciled. With state, move them with `terraform state mv -state-out`, or
 *   let them be re-created (nothing else refers to an IPPool's identity);
 * - item 12: one `terraform_data.<address>_immutable` per object with fields the API refuses to
 *   change, beside the unchanged `kubernetes_manifest.<address>`;
 * - issue 17: content-named machine templates and per-block health checks (ALLOWED_REMOVALS below).
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthToTemp } from '../support/synth';

type Addresses = Record<string, Record<string, string[]>>;
const BEFORE = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'addresses-before-i19.json'), 'utf8'),
) as Addresses;

const EXAMPLES: Record<string, string> = {
  'colossus-1': 'examples/colossus-1.yaml',
  infiniband: 'examples/infiniband.yaml',
  lab: 'examples/lab.yaml',
};

function addressesOf(example: string): Record<string, string[]> {
  const out = synthToTemp(EXAMPLES[example]);
  return Object.fromEntries(
    out.stacks.map((stack) => {
      const resources = out.cdktf(stack).resource ?? {};
      const list = Object.entries(resources).flatMap(([type, byName]) =>
        Object.keys(byName).map((n) => `${type}.${n}`),
      );
      return [stack, list.sort()];
    }),
  );
}

/**
 * Addresses that may disappear, each for a named reason; every other address of before must still be in its stack.
 * Added addresses are new objects (guards, per-block objects), which create and never replace.
 */
const ALLOWED_REMOVALS: readonly { readonly reason: string; readonly matches: (address: string) => boolean }[] = [
  {
    // Issue 17: templates are named by their content, so a change creates a new one and rolls (the old address goes).
    reason: 'content-named Metal3MachineTemplate / KubeadmConfigTemplate',
    matches: (a) => /^kubernetes_manifest\.(metal3machinetemplate|kubeadmconfigtemplate)_/.test(a),
  },
  {
    // Issue 15 item 11: a tenant gets networks only for the rails its pools' nodes have (4 on GB200 trays).
    reason: 'rail networks a 4-NIC GB200 tenant cannot use',
    matches: (a) => /^kubernetes_manifest\.sriovnetwork_.*_rail_[4-7]$/.test(a),
  },
  {
    // Issue 17: one MachineHealthCheck per block instead of per pool, so a block stops remediating, never a pool.
    reason: 'per-pool MachineHealthCheck replaced by per-block ones',
    matches: (a) => /^kubernetes_manifest\.machinehealthcheck_/.test(a),
  },
];

/**
 * Issue 14: what one workload cluster had once and each cell has its own of, under the cell's name: the
 * Cluster API cluster and control plane, and the objects named after the cluster.
 */
const CELL_OWN: readonly RegExp[] = [
  /^kubernetes_manifest\.(cluster|metal3cluster|kubeadmcontrolplane|metal3machinetemplate|machinehealthcheck)_colossus_1_colossus_1(_|$)/,
];

describe.each(Object.keys(EXAMPLES))('Terraform addresses of %s', (example) => {
  const before = BEFORE[example];
  const after = addressesOf(example);

  it('keep every address, except the IPPools, which move to the fabric stack (item 2), and the named removals', () => {
    const expected: Record<string, string[]> = JSON.parse(JSON.stringify(before));
    const platform = Object.keys(expected).find((s) => s.endsWith('-platform'))!;
    const cluster = platform.slice(0, -'-platform'.length);
    const pools = expected[platform].filter((a) => a.startsWith('kubernetes_manifest.ippool_'));
    if (pools.length > 0) {
      expected[platform] = expected[platform].filter((a) => !pools.includes(a));
      expected[`${cluster}-fabric`] = pools;
    }
    // Issue 14: a cluster above one cell becomes cells; a stack `<cluster>-<kind>` is then
    // `<cluster>-<cell>-<kind>` in each cell, with the same addresses for the same objects (block names stay
    // the pool's), while the objects of one whole cluster become each cell's own.
    const split = Object.keys(after).includes(`${cluster}-manager`);
    const found = (stack: string): string[] => {
      if (!split) return after[stack] ?? [];
      const kind = stack.slice(cluster.length + 1);
      return Object.entries(after)
        .filter(([s]) => s.startsWith(`${cluster}-`) && s.endsWith(`-${kind}`) && s !== stack)
        .flatMap(([, list]) => list);
    };
    const missing = Object.entries(expected).flatMap(([stack, list]) =>
      list
        .filter((a) => !found(stack).includes(a))
        .filter((a) => !ALLOWED_REMOVALS.some((r) => r.matches(a)))
        .filter((a) => !(split && CELL_OWN.some((r) => r.test(a))))
        .map((a) => `${stack}: ${a}`),
    );
    expect(missing).toEqual([]);
  });

  it('add only terraform_data.<address>_immutable beside an existing manifest (item 12)', () => {
    for (const list of Object.values(after)) {
      for (const address of list.filter((a) => a.startsWith('terraform_data.'))) {
        const manifest = address.replace(/^terraform_data\./, 'kubernetes_manifest.').replace(/_immutable$/, '');
        expect(address).toMatch(/_immutable$/);
        expect(list).toContain(manifest);
      }
    }
  });
});
