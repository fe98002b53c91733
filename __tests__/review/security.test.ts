/**
 * Security review of synthesized output: no credential, kubeconfig content or local path leaks
 * into any file; external tenants hold no cluster-scoped permission; every tenant namespace
 * enforces `restricted` Pod Security unless the spec opts out, and the audit reports the opt-out.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { synthesize } from '../../emit/synthesize';
import { KubeObject } from '../../model/kube';
import { auditOutput } from '../../review/audit';
import { readOutput as readReviewOutput } from '../../review/read-output';
import { parseSpec } from '../../spec/load';
import { SEED, specDoc, toYamlText } from '../support/arbitraries';
import { binBuilt, readTree, runBin } from '../support/run-cli';
import { ROOT, tempDir } from '../support/synth';

const EXAMPLES = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** A kubeconfig full of secrets, in a fake home directory. */
function fakeHome(): { home: string; secrets: string[] } {
  const home = tempDir('colossus-home-');
  const secrets = [
    'c2VjcmV0LWNsaWVudC1rZXktZGF0YQ',
    'sekret-bearer-token-8c1f',
    'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl',
    'hunter2-password',
  ];
  fs.mkdirSync(path.join(home, '.kube'));
  fs.writeFileSync(
    path.join(home, '.kube', 'config'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: c, cluster: { server: "https://10.0.0.1:6443", certificate-authority-data: "-----BEGIN CERTIFICATE-----" } }]',
      `users: [{ name: u, user: { client-key-data: ${secrets[0]}, token: ${secrets[1]}, password: ${secrets[3]} } }]`,
      `# id-token: ${secrets[2]}`,
    ].join('\n'),
  );
  return { home, secrets };
}

/** What must never appear in an output file. */
const LEAKS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]+-----/,
  /client-(key|certificate)-data/,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // a JWT
  /\bAKIA[0-9A-Z]{16}\b/, // an AWS access key
  /\b(ghp|glpat|xox[bp])-?[A-Za-z0-9_-]{16,}/, // GitHub, GitLab, Slack tokens
];

/** Every secret, leak pattern or local path found in `text`. */
function leaksIn(text: string, forbidden: readonly string[]): string[] {
  return [...forbidden.filter((f) => text.includes(f)), ...LEAKS.flatMap((re) => re.exec(text)?.[0] ?? [])];
}

describe('the leak scanner', () => {
  it('fails a file holding a kubeconfig user, a JWT or a local path', () => {
    const { home, secrets } = fakeHome();
    const kubeconfig = fs.readFileSync(path.join(home, '.kube', 'config'), 'utf8');
    expect(leaksIn(kubeconfig, secrets).length).toBeGreaterThanOrEqual(secrets.length + 3);
    expect(leaksIn(`{"config_path": "${home}/.kube/config"}`, [home])).toEqual([home]);
    expect(leaksIn('{"config_path": "~/.kube/config", "name": "xai:grok-training"}', [home, ...secrets])).toEqual([]);
  });
});

(binBuilt() ? describe : describe.skip)(
  'output of every example, synthesized with a kubeconfig full of secrets',
  () => {
    const { home, secrets } = fakeHome();
    const cwd = tempDir('colossus-sec-cwd-');
    const outputs = new Map<string, Map<string, string>>();

    beforeAll(() => {
      for (const example of EXAMPLES) {
        const out = path.join(cwd, example.replace(/\.yaml$/, ''));
        const env = { ...process.env, HOME: home, KUBECONFIG: path.join(home, '.kube', 'config') };
        const result = runBin(['synth', '--spec', path.join(ROOT, 'examples', example), '--out', out], cwd, env);
        expect({ example, code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
        outputs.set(example, readTree(out));
      }
    });

    it.each(EXAMPLES)('%s: holds no credential, kubeconfig content or token-like string', (example) => {
      for (const [file, text] of outputs.get(example)!) {
        expect({ file, leaks: leaksIn(text, secrets) }).toEqual({ file, leaks: [] });
      }
    });

    it.each(EXAMPLES)('%s: holds no local absolute path (home, working directory, package, temp)', (example) => {
      const local = [home, cwd, ROOT, os.tmpdir(), os.homedir()].filter((p) => p.length > 1);
      for (const [file, text] of outputs.get(example)!) {
        expect({ file, leaks: leaksIn(text, local) }).toEqual({ file, leaks: [] });
      }
    });

    it.each(EXAMPLES)('%s: names kubeconfig files only by their path, never by their content', (example) => {
      const out = path.join(cwd, example.replace(/\.yaml$/, ''));
      for (const stack of fs.readdirSync(path.join(out, 'stacks'))) {
        const tf = JSON.parse(fs.readFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
          provider?: Record<string, Record<string, unknown>[]>;
        };
        for (const provider of Object.values(tf.provider ?? {}).flat()) {
          const config = (provider.config_path ??
            (provider.kubernetes as { config_path?: string }[])?.[0]?.config_path) as string | undefined;
          if (config !== undefined) expect(config).not.toMatch(/^\//);
          expect(Object.keys(provider)).not.toEqual(expect.arrayContaining(['token', 'client_key', 'password']));
        }
      }
    });
  },
);

/** Objects of a synthesized output's YAML manifests, per stack. */
function objectsOf(outdir: string): Map<string, KubeObject[]> {
  const dir = path.join(outdir, 'manifests');
  return new Map(
    fs.readdirSync(dir).map((stack) => [
      stack,
      fs
        .readdirSync(path.join(dir, stack))
        .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, stack, f), 'utf8')))
        .map((d) => d.toJS() as KubeObject),
    ]),
  );
}

const CLUSTER_RBAC = ['ClusterRole', 'ClusterRoleBinding'];

describe('tenant permissions and Pod Security over generated specs (25 cases)', () => {
  it('gives external tenants nothing cluster-scoped, enforces restricted unless opted out, and the audit says so', () => {
    fc.assert(
      fc.property(specDoc, (doc) => {
        const { cluster } = parseSpec(toYamlText(doc), 'generated.yaml');
        const outdir = path.join(tempDir('colossus-sec-'), 'out');
        synthesize(cluster, { outdir, emit: 'yaml' });
        const byStack = objectsOf(outdir);
        const all = [...byStack.values()].flat();
        for (const tenant of cluster.tenants) {
          const own = byStack.get(`${cluster.name}-tenant-${tenant.name}`)!;
          for (const ns of tenant.namespaces) {
            const labels = own.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)!.metadata.labels!;
            expect(labels['pod-security.kubernetes.io/enforce']).toBe(tenant.podSecurity);
            expect(labels['pod-security.kubernetes.io/enforce-version']).toBe(`v${cluster.kubernetes.version}`);
          }
          if (!tenant.external) continue;
          expect(own.filter((o) => CLUSTER_RBAC.includes(o.kind))).toEqual([]);
          for (const binding of own.filter((o) => o.kind === 'RoleBinding')) {
            expect((binding.roleRef as { kind: string }).kind).toBe('Role');
          }
          // No cluster-wide binding anywhere names the partner's groups or its namespaces' accounts.
          for (const binding of all.filter((o) => o.kind === 'ClusterRoleBinding')) {
            for (const s of (binding.subjects ?? []) as { kind: string; name: string; namespace?: string }[]) {
              expect(s.kind === 'Group' && tenant.groups.includes(s.name)).toBe(false);
              expect(s.namespace !== undefined && tenant.namespaces.includes(s.namespace)).toBe(false);
            }
          }
        }
        const audit = auditOutput(readReviewOutput(outdir, { yamlAlways: true }));
        expect(audit.findings).toEqual([]);
        const optedOut = cluster.tenants
          .filter((t) => t.podSecurity !== 'restricted')
          .flatMap((t) => t.namespaces.map((ns) => `Namespace/${ns}`))
          .sort();
        expect(
          audit.notes
            .filter((n) => n.code === 'pod-security-opt-out')
            .map((n) => n.object)
            .sort(),
        ).toEqual(optedOut);
        fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: 25 },
    );
  });
});
