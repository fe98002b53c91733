/** The spec loader: every failure path reports code, file:line:column, field path, value and fix. */
import * as fs from 'fs';
import * as path from 'path';
import { CLUSTER_SCHEMA } from '../../spec/schema';
import { SpecError, SpecIssue } from '../../spec/errors';
import { loadSpecFile, parseSpec } from '../../spec/load';
import { renderSchema } from '../../scripts/gen-schema';
import { withSpecReference } from '../../scripts/gen-spec-docs';
import { LAB } from '../support/fixtures';
import { ROOT, tempDir, writeSpec } from '../support/synth';

/** The issues of spec text, or a failure when it is valid. */
function issuesOf(text: string): SpecIssue[] {
  try {
    parseSpec(text, 'spec.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return [...(e as SpecError).issues];
  }
  throw new Error('expected the spec to be refused');
}

const edit = (from: string, to: string) => {
  expect(LAB).toContain(from);
  return LAB.replace(from, to);
};

describe('a valid spec', () => {
  it('resolves pools and tenants with their defaults', () => {
    const { cluster } = loadSpecFile(path.join(ROOT, 'examples', 'colossus-1.yaml'));
    const gb200 = cluster.pools.find((p) => p.name === 'gb200')!;
    expect(gb200).toMatchObject({ racks: 418, nodes: 418 * 18, gpus: 30096, blocks: 53, nodesPerRack: 18 });
    const h100 = cluster.pools.find((p) => p.name === 'h100')!;
    expect(h100).toMatchObject({ nodes: 18752, racks: 2344, blocks: 293, gpus: 150016 });
    const anthropic = cluster.tenants.find((t) => t.name === 'anthropic')!;
    expect(anthropic).toMatchObject({ external: true, canBorrow: false, cohort: undefined, podSecurity: 'restricted' });
    const grok = cluster.tenants.find((t) => t.name === 'grok')!;
    expect(grok).toMatchObject({ canBorrow: true, cohort: 'colossus-1-shared', priority: 'high' });
    expect(cluster.backend).toEqual({ kind: 'local', path: 'state', namespace: 'terraform-state' });
  });

  it('defaults a tenant namespace to the tenant name', () => {
    const { cluster } = parseSpec(LAB, 'lab.yaml');
    expect(cluster.tenants.map((t) => t.namespaces)).toEqual([['team-a'], ['partner']]);
  });
});

describe('structural errors', () => {
  it('fails with file:line:column, path, value and fix for a wrong type', () => {
    const [issue] = issuesOf(edit('nodes: 2', 'nodes: two'));
    expect(issue).toMatchObject({ code: 'invalid-type', path: ['spec', 'nodePools', 0, 'nodes'], line: 18, column: 7 });
    expect(issue.message).toContain('"two"');
    expect(issue.fix).toMatch(/whole number/);
  });

  it('fails an unknown field and suggests the near one', () => {
    const [issue] = issuesOf(edit('racksPerBlock: 1', 'racksPerBlok: 1'));
    expect(issue).toMatchObject({ code: 'unknown-field', fix: 'did you mean "racksPerBlock"?' });
  });

  it('fails a missing required field', () => {
    const [issue] = issuesOf(edit('    context: kind-lab\n', ''));
    expect(issue).toMatchObject({ code: 'missing-field', path: ['spec', 'kubernetes', 'context'] });
  });

  it('fails names that are not DNS-1123 labels', () => {
    const [issue] = issuesOf(edit('- name: team-a', '- name: Team_A'));
    expect(issue).toMatchObject({ code: 'invalid-format', path: ['spec', 'tenants', 0, 'name'] });
    expect(issue.fix).toMatch(/lower-case/);
  });

  it('fails a name longer than a label value allows', () => {
    const [issue] = issuesOf(edit('- name: team-a', `- name: ${'a'.repeat(64)}`));
    expect(issue).toMatchObject({ code: 'too-long' });
  });

  it('fails NaN, infinite and negative numbers', () => {
    expect(issuesOf(edit('powerBudgetMW: 0.1', 'powerBudgetMW: .nan'))[0]).toMatchObject({ code: 'invalid-value' });
    expect(issuesOf(edit('powerBudgetMW: 0.1', 'powerBudgetMW: .inf'))[0]).toMatchObject({ code: 'invalid-value' });
    expect(issuesOf(edit('nodes: 2', 'nodes: -2'))[0]).toMatchObject({ code: 'out-of-range' });
  });

  it('fails an unknown enum value and suggests the near one', () => {
    const text = edit(
      '      gpuQuota: { h100: 8 }\n    - name: partner',
      '      gpuQuota: { h100: 8 }\n      priority: hihg\n    - name: partner',
    );
    expect(issuesOf(text)[0]).toMatchObject({ code: 'invalid-value', fix: 'did you mean "high"?' });
  });

  it('reports several errors at once', () => {
    const text = edit('nodes: 2', 'nodes: two').replace('racksPerBlock: 1', 'racksPerBlok: 1');
    expect(issuesOf(text).map((i) => i.code)).toEqual(['invalid-type', 'unknown-field']);
  });

  it('fails YAML syntax errors and duplicate keys with their position', () => {
    expect(issuesOf(edit('nodes: 2', 'nodes: 2\n      nodes: 3'))[0]).toMatchObject({
      code: 'duplicate-key',
      line: 19,
      column: 7,
    });
    expect(issuesOf('spec: [unclosed\n')[0]).toMatchObject({ code: 'yaml-syntax', line: expect.any(Number) });
  });

  it('fails an empty file, a directory and a missing file', () => {
    expect(issuesOf('')[0]).toMatchObject({ code: 'empty-spec' });
    const dir = tempDir();
    expect(() => loadSpecFile(dir)).toThrow(/is a directory/);
    expect(() => loadSpecFile(path.join(dir, 'nope.yaml'))).toThrow(/no such file/);
  });

  it('formats errors as file:line:column with the fix and writes the count', () => {
    const file = writeSpec(edit('nodes: 2', 'nodes: two'), 'broken.yaml');
    expect(() => loadSpecFile(file)).toThrow(
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:18:7: error\\[invalid-type\\] spec.nodePools\\[0\\].nodes: .*\\n  fix: .*\\n1 error in`,
      ),
    );
  });
});

describe('semantic errors', () => {
  it('fails when tenant quotas exceed a pool, with the figures', () => {
    const [issue] = issuesOf(
      edit('gpuQuota: { h100: 8 }\n    - name: partner', 'gpuQuota: { h100: 12 }\n    - name: partner'),
    );
    expect(issue.code).toBe('quota-exceeds-pool');
    expect(issue.message).toBe('tenants are given 20 GPUs on pool "h100" (team-a: 12, partner: 8), but it has 16');
    expect(issue.fix).toMatch(/by 4 GPUs/);
  });

  it('allows overcommit when the spec says so', () => {
    const text =
      edit('gpuQuota: { h100: 8 }\n    - name: partner', 'gpuQuota: { h100: 12 }\n    - name: partner') +
      '  allowOvercommit: true\n';
    expect(() => parseSpec(text, 'spec.yaml')).not.toThrow();
  });

  it('fails a quota on an unknown pool', () => {
    const [issue] = issuesOf(
      edit('gpuQuota: { h100: 8 }\n    - name: partner', 'gpuQuota: { h10: 8 }\n    - name: partner'),
    );
    expect(issue).toMatchObject({
      code: 'unknown-pool',
      path: ['spec', 'tenants', 0, 'gpuQuota', 'h10'],
      fix: 'did you mean "h100"?',
    });
  });

  it('fails a dedicated pool quoted to another tenant', () => {
    const [issue] = issuesOf(edit('racksPerBlock: 1', 'racksPerBlock: 1\n      dedicatedTo: partner'));
    expect(issue).toMatchObject({ code: 'dedicated-pool-shared', path: ['spec', 'tenants', 0, 'gpuQuota', 'h100'] });
  });

  it('fails a pool dedicated to an unknown tenant', () => {
    expect(issuesOf(edit('racksPerBlock: 1', 'racksPerBlock: 1\n      dedicatedTo: partnr'))[0]).toMatchObject({
      code: 'unknown-tenant',
      fix: 'did you mean "partner"?',
    });
  });

  it('fails duplicate and reserved names', () => {
    expect(issuesOf(edit('- name: partner', '- name: team-a')).map((i) => i.code)).toContain('duplicate-name');
    expect(issuesOf(edit('- name: partner', '- name: kube-partner'))[0]).toMatchObject({ code: 'reserved-name' });
    expect(issuesOf(edit('- name: partner', '- name: default'))[0]).toMatchObject({ code: 'reserved-name' });
    const shared = edit(
      'gpuQuota: { h100: 8 }\n    - name: partner',
      'namespaces: [shared]\n      gpuQuota: { h100: 8 }\n    - name: partner\n      namespaces: [shared]',
    );
    expect(issuesOf(shared)[0]).toMatchObject({
      code: 'duplicate-name',
      message: expect.stringMatching(/namespace "shared"/),
    });
  });

  it('fails an unknown GPU, a rack-scale pool sized in nodes and an unknown MIG layout', () => {
    expect(issuesOf(edit('gpu: H100-SXM5-80GB', 'gpu: H100-SXM5-80G'))[0]).toMatchObject({
      code: 'unknown-gpu',
      fix: 'did you mean "H100-SXM5-80GB"?',
    });
    expect(issuesOf(edit('gpu: H100-SXM5-80GB', 'gpu: GB200-NVL72'))[0]).toMatchObject({ code: 'nodes-or-racks' });
    expect(issuesOf(edit('racksPerBlock: 1', 'racksPerBlock: 1\n      migProfile: all-1g.20gb'))[0]).toMatchObject({
      code: 'unknown-mig-profile',
    });
    expect(issuesOf(edit('nodes: 2', 'nodes: 2\n      racks: 1'))[0]).toMatchObject({ code: 'nodes-or-racks' });
  });
});

describe('the published JSON Schema', () => {
  it('is current with spec/schema.ts (run `npm run schema` after changing it)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'schema', 'cluster.schema.json'), 'utf8')).toBe(renderSchema());
  });

  it('accepts every example and rejects an unknown field (checked with a generic validator)', async () => {
    const Ajv2020 = (await import('ajv/dist/2020')).default;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(CLUSTER_SCHEMA as object);
    const { parse } = await import('yaml');
    for (const f of fs.readdirSync(path.join(ROOT, 'examples')).filter((x) => x.endsWith('.yaml'))) {
      expect([f, validate(parse(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8')))]).toEqual([f, true]);
    }
    expect(validate(parse(edit('racksPerBlock: 1', 'racksPerBlok: 1')))).toBe(false);
  });
});

describe('the README spec reference', () => {
  it('documents every field of the schema (run `npm run schema` after changing it)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(withSpecReference(readme)).toBe(readme);
    expect(readme).toContain('| `spec.nodePools[].racksPerBlock` | integer | `8` |');
  });
});
