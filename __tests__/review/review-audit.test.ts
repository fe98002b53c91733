/**
 * `colossus audit`: every example passes; every seeded isolation hole of the corpus in
 * __tests__/fixtures/audit/ is found, with exactly the expected finding codes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { run } from '../../cli/main';
import { KubeObject, objectKey } from '../../model/kube';
import { auditOutput, AuditResult, formatAudit } from '../../review/audit';
import { readOutput } from '../../review/read-output';
import { ROOT, synthToTemp, tempDir } from '../support/synth';

const CORPUS = path.join(__dirname, '..', 'fixtures', 'audit');
const EXAMPLES = path.join(ROOT, 'examples');

interface CaseHeader {
  readonly hole: string;
  readonly expect: readonly string[];
  readonly stack: string;
  readonly remove?: readonly string[];
  readonly summary?: Record<string, unknown>;
}

const quiet = { out: () => undefined, err: () => undefined };

function audit(dir: string): AuditResult {
  return auditOutput(readOutput(dir, { yamlAlways: true }));
}

/** A copy of `outdir` with Terraform JSON dropped (the audit reads the YAML) and `file`'s case applied. */
function applyCase(outdir: string, file: string): { header: CaseHeader; dir: string } {
  const [head, ...docs] = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
  const header = head as CaseHeader;
  const dir = path.join(tempDir('colossus-audit-'), 'out');
  fs.cpSync(outdir, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'stacks'), { recursive: true });
  const stackDir = path.join(dir, 'manifests', header.stack);
  for (const f of fs.readdirSync(stackDir)) {
    const kept = parseAllDocuments(fs.readFileSync(path.join(stackDir, f), 'utf8'))
      .map((d) => d.toJS() as KubeObject)
      .filter((o) => !(header.remove ?? []).includes(objectKey(o)));
    fs.writeFileSync(path.join(stackDir, f), kept.map((o) => stringify(o)).join('---\n'));
  }
  // Sorted last, so its objects replace synthesized ones of the same identity.
  fs.writeFileSync(path.join(stackDir, '99-seeded.yaml'), docs.map((o) => stringify(o)).join('---\n'));
  if (header.summary) {
    const summaryFile = path.join(dir, 'reports', 'summary.json');
    fs.writeFileSync(
      summaryFile,
      JSON.stringify(merge(JSON.parse(fs.readFileSync(summaryFile, 'utf8')), header.summary)),
    );
  }
  return { header, dir };
}

function merge(a: unknown, b: unknown): unknown {
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') return b;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out;
}

let lab: string;
beforeAll(() => {
  lab = synthToTemp('examples/lab.yaml').outdir;
});

describe('colossus audit on every example', () => {
  const examples = fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  test.each(examples)('%s passes the audit', (file) => {
    const { outdir } = synthToTemp(path.join('examples', file));
    const lines: string[] = [];
    const code = run(['audit', outdir], { out: (s) => lines.push(s), err: (s) => lines.push(s) });
    expect(lines.join('\n')).toMatch(/^audit passed: \d+ tenants/m);
    expect(code).toBe(0);
  });
});

describe('colossus audit on the corpus of seeded holes', () => {
  const cases = fs
    .readdirSync(CORPUS)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  test('the corpus exists and the unbroken lab passes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
    expect(audit(lab).findings).toEqual([]);
  });

  test.each(cases)('fails on %s: the seeded hole is found', (file) => {
    const { header, dir } = applyCase(lab, path.join(CORPUS, file));
    const result = audit(dir);
    expect([...new Set(result.findings.map((f) => f.code))].sort()).toEqual([...header.expect].sort());
    for (const f of result.findings) {
      expect(f.message.length).toBeGreaterThan(20);
      expect(f.fix.length).toBeGreaterThan(10);
    }
    expect(run(['audit', dir], quiet)).toBe(1);
  });
});

describe('colossus audit', () => {
  test('fails naming the object, the field and the fix', () => {
    const { dir } = applyCase(lab, path.join(CORPUS, 'network-policy-admits-other-tenant.yaml'));
    const text = formatAudit(audit(dir));
    expect(text).toContain(
      'lab-tenant-team-a: error[network-policy-admits-other-tenant] NetworkPolicy/team-a/allow-same-tenant ' +
        'spec.ingress[0].from[0].namespaceSelector: admits namespaces of other tenants: partner (partner)',
    );
    expect(text).toContain("fix: select only tenant team-a's namespaces: kubernetes.io/metadata.name In [team-a]");
    expect(text).toMatch(/audit failed: 1 finding in \d+ objects$/);
  });

  test('a Pod Security level below restricted is a note, not a failure', () => {
    const spec = parse(fs.readFileSync(path.join(EXAMPLES, 'lab.yaml'), 'utf8')) as {
      spec: { tenants: { podSecurity?: string }[] };
    };
    spec.spec.tenants[1].podSecurity = 'baseline';
    const { outdir } = synthToTemp(stringify(spec));
    const result = audit(outdir);
    expect(result.findings).toEqual([]);
    expect(result.notes).toEqual([
      expect.objectContaining({
        code: 'pod-security-opt-out',
        object: 'Namespace/partner',
        stack: 'lab-tenant-partner',
      }),
    ]);
    expect(formatAudit(result)).toContain('; 1 note(s)');
  });

  test('fails when the Terraform JSON and the YAML disagree, and undoes Terraform escapes before comparing', () => {
    const dir = path.join(tempDir('colossus-audit-'), 'out');
    fs.cpSync(lab, dir, { recursive: true });
    const tf = path.join(dir, 'stacks', 'lab-tenant-team-a', 'cdk.tf.json');
    const yamlFile = path.join(dir, 'manifests', 'lab-tenant-team-a', '00-namespace.yaml');
    const json = JSON.parse(fs.readFileSync(tf, 'utf8'));
    const yaml = parse(fs.readFileSync(yamlFile, 'utf8')) as KubeObject & { metadata: { annotations?: object } };
    // Terraform JSON escapes "${" as "$${"; the YAML holds the literal text.
    json.resource.kubernetes_manifest.namespace_team_a.manifest.metadata.annotations = { note: 'cost $${center}' };
    yaml.metadata.annotations = { note: 'cost ${center}' };
    fs.writeFileSync(tf, JSON.stringify(json));
    fs.writeFileSync(yamlFile, stringify(yaml));
    expect(audit(dir).findings).toEqual([]);

    json.resource.kubernetes_manifest.namespace_team_a.manifest.metadata.labels['pod-security.kubernetes.io/enforce'] =
      'privileged';
    fs.writeFileSync(tf, JSON.stringify(json));
    expect(audit(dir).findings).toEqual([
      expect.objectContaining({
        code: 'yaml-terraform-mismatch',
        object: 'Namespace/team-a',
        message: expect.stringContaining('differs between the YAML manifests and the Terraform JSON'),
      }),
    ]);
  });

  test('fails with 66 naming the file on an unreadable summary or a manifest that is no Kubernetes object', () => {
    const errors: string[] = [];
    const io = { out: () => undefined, err: (s: string) => errors.push(s) };
    const broken = path.join(tempDir('colossus-audit-'), 'out');
    fs.cpSync(lab, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'reports', 'summary.json'), '{"cluster": "lab", "pools": ');
    expect(run(['audit', broken], io)).toBe(66);
    expect(errors.pop()).toMatch(/reports\/summary\.json: not valid JSON .*; re-run `colossus synth`$/);

    const noKind = path.join(tempDir('colossus-audit-'), 'out');
    fs.cpSync(lab, noKind, { recursive: true });
    fs.writeFileSync(
      path.join(noKind, 'manifests', 'lab-platform', '99-extra.yaml'),
      'apiVersion: v1\nmetadata: {name: x}\n',
    );
    expect(run(['audit', noKind], io)).toBe(66);
    expect(errors.pop()).toMatch(/99-extra\.yaml: a document lacks apiVersion, kind or metadata\.name/);
  });

  test('fails with 66 on a directory that is no synth output', () => {
    const errors: string[] = [];
    expect(run(['audit', tempDir()], { out: () => undefined, err: (s) => errors.push(s) })).toBe(66);
    expect(errors.join('\n')).toContain('is not a synth output');
  });
});
