/**
 * Property-based tests over generated valid specs (seeded, reproducible with FC_SEED): every one
 * loads and synthesizes; the objects keep tenants apart; the output is byte-identical across runs
 * and working directories; Terraform and YAML carry the same objects.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { App } from 'cdktf';
import { synthesize } from '../../emit/synthesize';
import { KubeObject, LABELS } from '../../model/kube';
import { parseQuantity } from '../../model/quantity';
import { Cluster } from '../../model/cluster';
import { parseSpec } from '../../spec/load';
import { buildClusterStacks } from '../../stacks/cluster-stacks';
import { namespacesOf, SEED, SpecDoc, specDoc, toYamlText } from '../support/arbitraries';
import { readTree } from '../support/run-cli';
import { readOutput, ROOT, tempDir } from '../support/synth';

/** Objects of every stack, built in-process without Terraform (fast). */
function buildObjects(cluster: Cluster): Map<string, readonly KubeObject[]> {
  const app = new App({ outdir: tempDir('colossus-prop-app-'), stackTraces: false });
  const stacks = buildClusterStacks(app, cluster, { terraform: false });
  return new Map(stacks.all.map((s) => [s.node.id, s.objects]));
}

const load = (doc: SpecDoc) => parseSpec(toYamlText(doc), 'generated.yaml');

/** Reverses emit/terraform.ts escapeTemplates: what Terraform turns the JSON strings back into. */
function unescapeTemplates(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
  if (Array.isArray(value)) return value.map(unescapeTemplates);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [unescapeTemplates(k), unescapeTemplates(v)]));
  }
  return value;
}

/** A storage quantity (`500Ti`, `1Pi`, `512Gi`, `0`) in TiB. */
function tib(quantity: string): number {
  return Number(parseQuantity(quantity).nanos / 10n ** 9n) / 2 ** 40;
}

/** The fabric partition a tenant network object attaches to: `vlan:N` or `pkey:0x...`. */
function partitionOf(o: KubeObject): string | undefined {
  if (o.kind === 'SriovNetwork') return `vlan:${(o.spec as { vlan: number }).vlan}`;
  if (o.kind === 'NetworkAttachmentDefinition') {
    const pkey = (JSON.parse((o.spec as { config: string }).config) as { pkey?: string }).pkey;
    return pkey === undefined ? undefined : `pkey:${pkey}`;
  }
  return undefined;
}

const identity = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byIdentity = (objects: readonly KubeObject[]) =>
  [...objects].sort((a, b) => identity(a).localeCompare(identity(b)));

describe('every generated valid spec (YAML only, 280 cases)', () => {
  it('loads, builds, and keeps each tenant inside its own namespaces, quota and pools', () => {
    fc.assert(
      fc.property(specDoc, (doc) => {
        const { cluster } = load(doc);
        const objects = buildObjects(cluster);
        const owner = new Map<string, string>();
        for (const tenant of doc.spec.tenants) {
          for (const ns of namespacesOf(tenant)) {
            expect(owner.get(ns)).toBeUndefined();
            owner.set(ns, tenant.name as string);
          }
        }
        const quotaPerPool = new Map<string, number>();
        for (const tenant of cluster.tenants) {
          const own = objects.get(`${cluster.name}-tenant-${tenant.name}`)!;
          for (const o of own) {
            // Namespaced objects stay in the tenant's namespaces; cluster-scoped ones carry its label.
            // (A fabric network object lives in the operator's namespace and serves the tenant's.)
            const serves = (o.spec as { networkNamespace?: string } | undefined)?.networkNamespace;
            if (o.metadata.namespace !== undefined) expect(owner.get(serves ?? o.metadata.namespace)).toBe(tenant.name);
            expect(o.metadata.labels?.[LABELS.tenant]).toBe(tenant.name);
            // No tenant stack grants anything cluster-wide.
            expect(['ClusterRole', 'ClusterRoleBinding']).not.toContain(o.kind);
          }
          for (const ns of tenant.namespaces) {
            const namespace = own.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)!;
            expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe(tenant.podSecurity);
            const inNs = own.filter((o) => o.metadata.namespace === ns);
            expect(inNs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny-all')).toBe(true);
            const binding = inNs.find((o) => o.kind === 'RoleBinding')!;
            expect((binding.subjects as { name: string }[]).map((s) => s.name)).toEqual(tenant.groups);
          }
          const queue = own.find((o) => o.kind === 'ClusterQueue')!;
          const spec = queue.spec as {
            resourceGroups?: { flavors: { name: string; resources: { name: string; nominalQuota: string }[] }[] }[];
          };
          for (const flavor of spec.resourceGroups?.[0].flavors ?? []) {
            const pool = cluster.pools.find((p) => p.name === flavor.name)!;
            // A dedicated pool's flavor only ever reaches its own tenant's queue.
            if (pool.dedicatedTo !== undefined) expect(pool.dedicatedTo).toBe(tenant.name);
            const gpus = Number(flavor.resources.find((r) => r.name === 'nvidia.com/gpu')!.nominalQuota);
            const quota = tenant.gpuQuota[pool.name] ?? 0;
            expect(gpus).toBe(quota * pool.devicesPerGpu);
            // A flavor without quota is listed only to borrow in a cohort (nominal 0).
            if (quota === 0) expect(tenant.canBorrow && tenant.cohort !== undefined).toBe(true);
            quotaPerPool.set(pool.name, (quotaPerPool.get(pool.name) ?? 0) + quota);
          }
        }
        // Fabric partitions (Ethernet VLAN, InfiniBand partition key) are never shared between tenants.
        const partitionOwner = new Map<string, string>();
        for (const tenant of cluster.tenants) {
          for (const o of objects.get(`${cluster.name}-tenant-${tenant.name}`)!) {
            const partition = partitionOf(o);
            if (partition === undefined) continue;
            expect(partitionOwner.get(partition) ?? tenant.name).toBe(tenant.name);
            partitionOwner.set(partition, tenant.name);
          }
        }
        // Storage shares never overlap: each filesystem's tenant quotas together fit its capacity.
        const claimedTiB = new Map<string, number>();
        for (const o of [...objects.values()].flat().filter((x) => x.kind === 'ResourceQuota')) {
          for (const [key, value] of Object.entries((o.spec as { hard: Record<string, string> }).hard)) {
            const storageClass = /^(.+)\.storageclass\.storage\.k8s\.io\/requests\.storage$/.exec(key)?.[1];
            if (storageClass) claimedTiB.set(storageClass, (claimedTiB.get(storageClass) ?? 0) + tib(value));
          }
        }
        for (const [storageClass, claimed] of claimedTiB) {
          const filesystem = doc.spec.storage!.find((f) => f.name === storageClass)!;
          expect(claimed).toBeLessThanOrEqual(filesystem.capacityTiB as number);
        }
        // Quotas never overlap: together they fit each pool unless the spec allows overcommit.
        if (!cluster.allowOvercommit) {
          for (const pool of cluster.pools) expect(quotaPerPool.get(pool.name) ?? 0).toBeLessThanOrEqual(pool.gpus);
        }
      }),
      { seed: SEED, numRuns: 280 },
    );
  });
});

describe('every generated valid spec (full synth, 20 cases)', () => {
  it('synthesizes byte-identical output from another working directory, with Terraform and YAML in agreement', () => {
    const cwd = process.cwd();
    fc.assert(
      fc.property(specDoc, (doc) => {
        const { cluster } = load(doc);
        const first = path.join(tempDir('colossus-prop-'), 'out');
        synthesize(cluster, { outdir: first });
        const elsewhere = tempDir('colossus-prop-cwd-');
        try {
          process.chdir(elsewhere);
          synthesize(load(doc).cluster, { outdir: 'out' });
        } finally {
          process.chdir(cwd);
        }
        const tree = readTree(first);
        expect(readTree(path.join(elsewhere, 'out'))).toEqual(tree);
        const output = readOutput(first);
        for (const stack of output.stacks) {
          const terraform = [...output.terraformObjects(stack).values()].map(unescapeTemplates) as KubeObject[];
          expect(byIdentity(terraform)).toEqual(byIdentity(output.yamlObjects(stack)));
          // Every `${` and `%{` Terraform sees is escaped: none evaluates.
          const text = tree.get(path.join('stacks', stack, 'cdk.tf.json'))!;
          for (const s of JSON.stringify(JSON.parse(text)).match(/"(?:[^"\\]|\\.)*"/g) ?? []) {
            expect(s.replace(/\$\$\{|%%\{/g, '')).not.toMatch(/[$%]\{/);
          }
        }
        fs.rmSync(path.dirname(first), { recursive: true, force: true });
        fs.rmSync(elsewhere, { recursive: true, force: true });
      }),
      { seed: SEED, numRuns: 20 },
    );
  });
});

const FUZZ = path.join(ROOT, 'dist', 'scripts', 'fuzz.js');

(fs.existsSync(FUZZ) ? describe : describe.skip)('npm run fuzz', () => {
  it('runs for the given time and reports the cases it ran and their outcome', () => {
    const result = spawnSync(process.execPath, [FUZZ, '--seconds', '2', '--seed', String(SEED)], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const counts =
      /^fuzz: (\d+) cases in 2s from seed \d+: (\d+) valid specs, (\d+) mutations .*; 0 failure\(s\)$/m.exec(
        result.stdout,
      );
    expect(counts).not.toBeNull();
    expect(Number(counts![1])).toBeGreaterThan(0);
    expect(Number(counts![1])).toBe(Number(counts![2]) + Number(counts![3]));
  });
});
