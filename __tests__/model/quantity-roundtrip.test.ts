/**
 * Every quantity the examples emit is already in the form the API server writes back
 * (apimachinery v0.33.0 resource.Quantity: ParseQuantity then CanonicalizeBytes), so
 * kubernetes_manifest (terraform-provider-kubernetes v2.38.0 manifest/provider/apply.go stores the
 * server's response) never sees "Provider produced inconsistent result after apply".
 */
import { canonicalQuantity } from '../../model/quantity';
import { describeWithCrds } from '../support/crd-validator';
import { emittedQuantities } from '../support/quantities';
import { synthToTemp } from '../support/synth';

const EXAMPLES = ['examples/colossus-1.yaml', 'examples/lab.yaml', 'examples/infiniband.yaml'];

describeWithCrds('every emitted quantity round-trips through apimachinery CanonicalizeBytes', () => {
  test.each(EXAMPLES)('%s: Terraform and YAML quantities are canonical', (example) => {
    const out = synthToTemp(example);
    let checked = 0;
    const changed: string[] = [];
    for (const stack of out.stacks) {
      const objects = [...out.terraformObjects(stack).values(), ...out.yamlObjects(stack)];
      for (const { where, value } of emittedQuantities(objects)) {
        checked += 1;
        // A number is marshalled by kubernetes_manifest as JSON and re-read as its decimal text.
        const text = String(value);
        if (typeof value !== 'string' || canonicalQuantity(text) !== text) {
          changed.push(`${stack} ${where}: ${JSON.stringify(value)} -> "${canonicalQuantity(text)}"`);
        }
      }
    }
    expect(changed).toEqual([]);
    // Quota, LimitRange and ClusterQueue quantities in every tenant stack at least.
    expect(checked).toBeGreaterThan(20);
  });

  test('the finder sees the values the review found rewritten (it cannot pass by finding nothing)', () => {
    const quota = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q', namespace: 'n' },
      spec: { hard: { pods: '10000', 'requests.memory': '38404096Gi' } },
    };
    const queue = {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ClusterQueue',
      metadata: { name: 'cq' },
      spec: {
        resourceGroups: [
          {
            coveredResources: ['memory'],
            flavors: [{ name: 'f', resources: [{ name: 'memory', nominalQuota: '1000' }] }],
          },
        ],
      },
    };
    const found = emittedQuantities([quota, queue]).map(
      (f) => `${f.where}=${f.value}->${canonicalQuantity(String(f.value))}`,
    );
    expect(found).toEqual([
      'ResourceQuota/n/q spec.hard.pods=10000->10k',
      'ResourceQuota/n/q spec.hard.requests.memory=38404096Gi->37504Ti',
      'ClusterQueue//cq spec.resourceGroups[0].flavors[0].resources[0].nominalQuota=1000->1k',
    ]);
  });
});
