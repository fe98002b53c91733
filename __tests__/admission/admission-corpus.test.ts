/**
 * Every isolation guard, tested by evaluation: the hostile-tenant corpus (fixtures/admission-corpus.ts) is
 * reviewed against the synthesized example with admission/review.ts (RBAC, zero quotas, and every
 * ValidatingAdmissionPolicy evaluated in CEL), and each case must get its expected outcome.
 */
import { reviewRequest } from '../../admission/review';
import { KubeObject, LABELS } from '../../model/kube';
import { ADMISSION_CORPUS, CorpusCase } from '../fixtures/admission-corpus';
import { readOutput, workloadOutputs } from '../../review/read-output';
import { synthToTemp } from '../support/synth';

let cells: KubeObject[][];
beforeAll(() => {
  // Each API server admits by its own objects: the example's cells, in order (the manager holds no pods).
  const out = readOutput(synthToTemp('examples/colossus-1.yaml').outdir);
  cells = workloadOutputs(out)
    .filter((w) => w.cell)
    .map((w) => w.output.objects.filter((o) => o.kubernetes).map((o) => o.object));
});

/**
 * The cell a request reaches: MultiKueue sends a job to a cell of the pool its queue names, so a pod that
 * selects a pool is judged in a cell of that pool that has its namespace; otherwise the first cell with
 * the namespace (every cell's objects when none has it).
 */
const cellOf = (c: CorpusCase): KubeObject[] => {
  const holders = cells.filter((objects) =>
    objects.some((o) => o.kind === 'Namespace' && o.metadata.name === c.request.namespace),
  );
  const selector = (c.request.object as { spec?: { nodeSelector?: Record<string, string> } } | undefined)?.spec
    ?.nodeSelector;
  const pool = selector?.[LABELS.placementPool] ?? selector?.[LABELS.pool];
  const ofPool = holders.find((objects) =>
    objects.some((o) => o.kind === 'ResourceFlavor' && o.metadata.name === pool),
  );
  return ofPool ?? holders[0] ?? cells.flat();
};

const outcome = (c: CorpusCase) => {
  const r = reviewRequest(cellOf(c), c.request);
  return { allowed: r.allowed, denials: r.denials.map((d) => `${d.stage} ${d.by}: ${d.message}`) };
};

describe('the hostile-tenant corpus against the example', () => {
  test('has at least 60 cases, attacks and legitimate use on every path, with unique names', () => {
    expect(ADMISSION_CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ADMISSION_CORPUS.map((c) => c.name)).size).toBe(ADMISSION_CORPUS.length);
    for (const path of new Set(ADMISSION_CORPUS.map((c) => c.path))) {
      const cases = ADMISSION_CORPUS.filter((c) => c.path === path);
      expect([path, cases.some((c) => c.expect === 'denied'), cases.some((c) => c.expect === 'allowed')]).toEqual([
        path,
        true,
        true,
      ]);
    }
  });

  test.each(ADMISSION_CORPUS.filter((c) => c.expect === 'denied').map((c) => [c.path, c.name, c] as const))(
    'denied (%s): %s',
    (_path, _name, c) => {
      const r = outcome(c);
      expect(r.allowed).toBe(false);
      // A denial is a decision, never an evaluation error of a policy.
      expect(r.denials.join('\n')).not.toMatch(/resulted in error/);
    },
  );

  test.each(ADMISSION_CORPUS.filter((c) => c.expect === 'allowed').map((c) => [c.path, c.name, c] as const))(
    'allowed (%s): %s',
    (_path, _name, c) => {
      expect(outcome(c)).toEqual({ allowed: true, denials: [] });
    },
  );

  test('each policy decides the attacks of its own path', () => {
    const by = (name: string, pattern: RegExp) => {
      const c = ADMISSION_CORPUS.find((x) => x.name === name)!;
      expect(outcome(c).denials.join('\n')).toMatch(pattern);
    };
    by('JSON "Namespace" key (Go matches keys case-insensitively)', /colossus-fabric-own-networks.*"namespace" key/);
    by('JSON key with a unicode escape ("namespac\\u0065")', /colossus-fabric-own-networks.*escapes/);
    by('rail VFs with only a non-rail network attached', /colossus-fabric-own-networks.*rail network/);
    by(
      'the D7 attack: gate removed, partner toleration, gb200 selector',
      /colossus-tenant-placement.*only Kueue removes/,
    );
    by('externalIPs claiming another tenant’s endpoint (CVE-2020-8554)', /colossus-tenant-services/);
    by('a tenant deletes its protected checkpoints claim', /^rbac .*may not delete persistentvolumeclaims/);
    by('a pod naming colossus-critical', /^quota ResourceQuota\/grok-train\/tenant-priority-classes/);
    by('a workload with another tenant’s WorkloadPriorityClass', /colossus-tenant-priority/);
  });
});
