/**
 * Terraform addresses change only where issue 19 requires it. The address list of every example
 * before the issue is in fixtures/addresses-before-i19.json (main at 5e36983). Allowed changes:
 * - item 2: the nv-ipam IPPools move from `<cluster>-platform` to the new `<cluster>-fabric` stack
 *   (same resource address, another state): their CRD exists only after the platform's
 *   NicClusterPolicy is reconciled. With state, move them with `terraform state mv -state-out`, or
 *   let them be re-created (nothing else refers to an IPPool's identity);
 * - item 12: one `terraform_data.<address>_immutable` per object with fields the API refuses to
 *   change, beside the unchanged `kubernetes_manifest.<address>`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthToTemp } from './support/synth';

type Addresses = Record<string, Record<string, string[]>>;
const BEFORE = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'addresses-before-i19.json'), 'utf8'),
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

describe.each(Object.keys(EXAMPLES))('Terraform addresses of %s', (example) => {
  const before = BEFORE[example];
  const after = addressesOf(example);

  it('keep every address, except the IPPools, which move to the fabric stack (item 2)', () => {
    const expected: Record<string, string[]> = JSON.parse(JSON.stringify(before));
    const platform = Object.keys(expected).find((s) => s.endsWith('-platform'))!;
    const cluster = platform.slice(0, -'-platform'.length);
    const pools = expected[platform].filter((a) => a.startsWith('kubernetes_manifest.ippool_'));
    if (pools.length > 0) {
      expected[platform] = expected[platform].filter((a) => !pools.includes(a));
      expected[`${cluster}-fabric`] = pools;
    }
    const kept = Object.fromEntries(
      Object.entries(after).map(([stack, list]) => [stack, list.filter((a) => !a.startsWith('terraform_data.'))]),
    );
    expect(kept).toEqual(expected);
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
