/**
 * Reads a synth output directory back: reports/summary.json, stacks/<stack>/cdk.tf.json and
 * manifests/<stack>/*.yaml. The review tools work from these files alone, never from the
 * constructs that wrote them, so they judge what would actually be applied.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubeObject, objectKey } from '../model/kube';
import { deprovisionsHosts } from '../model/lifecycle';
import type { CellReport } from '../cells/analysis';
import { Summary, SUMMARY_FILE } from '../reports/summary';

/** The summary as read from disk: sections other engineers add (fabric, storage, power) may be absent. */
export type OutputSummary = Summary & { readonly [section: string]: unknown };

/** One object (or non-Kubernetes Terraform resource) of a stack. */
export interface OutputObject {
  readonly stack: string;
  /** `kind/namespace/name` for Kubernetes objects; `<type>.<name>` for other Terraform resources. */
  readonly identity: string;
  /** Terraform address within the stack (`kubernetes_manifest.namespace_grok`); absent for YAML-only stacks. */
  readonly address?: string;
  /** The object as Terraform would apply it (template escapes undone), or as the YAML says. */
  readonly object: KubeObject;
  /** The same object as written to the YAML manifests, when the stack has them. */
  readonly yaml?: KubeObject;
  /** Terraform refuses to destroy it (`lifecycle.prevent_destroy`): it holds data. */
  readonly protectData: boolean;
  /** A Kubernetes object (false for other Terraform resources such as `helm_release`). */
  readonly kubernetes: boolean;
}

/** A synth output directory, read. */
export interface SynthOutput {
  readonly summary: OutputSummary;
  /** Stack names, sorted. */
  readonly stacks: readonly string[];
  /** Every object of every stack, sorted by stack then identity. */
  readonly objects: readonly OutputObject[];
  /**
   * `stack/address` of resources a `removed { lifecycle { destroy = false } }` block makes Terraform
   * forget without destroying them (data the spec no longer declares, kept).
   */
  readonly forgotten: ReadonlySet<string>;
  /** Per stack with Terraform JSON: where its state lives and which cluster its providers talk to. */
  readonly settings: ReadonlyMap<string, StackSettings>;
}

/** The Terraform settings of a stack that are not objects. */
export interface StackSettings {
  /** `terraform.backend`: where the state lives. */
  readonly backend: unknown;
  /** `provider`: kubeconfig files and contexts the providers use. */
  readonly providers: unknown;
  /** `terraform.required_providers`: provider versions. */
  readonly requiredProviders: unknown;
}

/** Options of `readOutput`. */
export interface ReadOptions {
  /**
   * Parse the YAML manifests of stacks that also have Terraform JSON (the audit compares both).
   * @default false - YAML is read only for stacks without Terraform manifests
   */
  readonly yamlAlways?: boolean;
}

/** An output directory that cannot be read: names the file, what is wrong and the fix. */
export class OutputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** One workload cluster of an output: the whole cluster, or a split cluster's manager or one of its cells. */
export interface WorkloadOutput {
  /** The cluster's name: `<cluster>`, `<cluster>-manager` or `<cluster>-<cell>`. */
  readonly cluster: string;
  /** The cell, for a cell of a split cluster. */
  readonly cell?: CellReport;
  /** The output restricted to that cluster: its stacks' objects, its tenants and (for a cell) its pool's slice. */
  readonly output: SynthOutput;
}

/**
 * The workload clusters of `output`, each as an output of its own: what one API server sees (its
 * admission policies, quotas and nodes), which is what guards and disruption are judged on.
 */
export function workloadOutputs(output: SynthOutput): WorkloadOutput[] {
  const cells = output.summary.cells;
  if (!cells?.split) return [{ cluster: output.summary.cluster, output }];
  const restrict = (prefix: string, summary: OutputSummary): SynthOutput => ({
    ...output,
    stacks: output.stacks.filter((s) => s.startsWith(prefix)),
    objects: output.objects.filter((o) => o.stack.startsWith(prefix)),
    summary,
  });
  const manager = `${output.summary.cluster}-manager`;
  return [
    { cluster: manager, output: restrict(manager, output.summary) },
    ...cells.cells.map((cell) => {
      const tenants = Object.fromEntries(
        Object.entries(output.summary.tenants).filter(([name]) => cell.tenants[name] !== undefined),
      );
      const pools = Object.fromEntries(
        Object.entries(cell.blocks).flatMap(([pool, [first, last]]) => {
          const p = output.summary.pools[pool];
          return p ? [[pool, { ...p, nodes: cell.figures.nodes, blocks: last - first + 1 }]] : [];
        }),
      );
      return {
        cluster: cell.cluster,
        cell,
        output: restrict(`${cell.cluster}-`, { ...output.summary, tenants, pools }),
      };
    }),
  ];
}

/** Reads the synth output in `dir`. */
export function readOutput(dir: string, options: ReadOptions = {}): SynthOutput {
  const summary = readSummary(dir);
  const stacks = [...new Set([...subdirs(path.join(dir, 'stacks')), ...subdirs(path.join(dir, 'manifests'))])].sort();
  const objects: OutputObject[] = [];
  const forgotten = new Set<string>();
  const settings = new Map<string, StackSettings>();
  for (const stack of stacks) {
    const terraform = readTerraform(path.join(dir, 'stacks', stack, 'cdk.tf.json'), stack, { forgotten, settings });
    const hasManifests = terraform.some((o) => o.kubernetes);
    const yaml =
      options.yamlAlways || !hasManifests
        ? readYaml(path.join(dir, 'manifests', stack))
        : new Map<string, KubeObject>();
    const seen = new Set<string>();
    for (const o of terraform) {
      seen.add(o.identity);
      objects.push({ ...o, yaml: yaml.get(o.identity) });
    }
    for (const [identity, object] of yaml) {
      // YAML-only objects: a stack synthesized without Terraform, or one that disagrees with it (the audit says so).
      if (!seen.has(identity)) {
        objects.push({ stack, identity, object, yaml: object, protectData: false, kubernetes: true });
      }
    }
  }
  objects.sort((a, b) => compare(a.stack, b.stack) || compare(a.identity, b.identity));
  return { summary, stacks, objects, forgotten, settings };
}

/** Undoes the Terraform template escapes of `escapeTemplates` (`$${` and `%%{`) in every string and key. */
export function unescapeTemplates(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.includes('{') ? value.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{') : value;
  }
  if (Array.isArray(value)) return value.map(unescapeTemplates);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [unescapeTemplates(k) as string, unescapeTemplates(v)]),
    );
  }
  return value;
}

/** Plain byte order: deterministic whatever the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function readSummary(dir: string): OutputSummary {
  const file = path.join(dir, SUMMARY_FILE);
  if (!fs.existsSync(file)) {
    throw new OutputError(
      `${file}: not found; "${dir}" is not a synth output (run \`colossus synth --out ${dir}\` first)`,
    );
  }
  const summary = parseJson(file) as Record<string, unknown>;
  for (const field of ['pools', 'tenants', 'stacks'] as const) {
    const value = summary[field];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new OutputError(
        `${file}: field "${field}" is ${JSON.stringify(value) ?? 'missing'}, expected an object; re-run \`colossus synth\``,
      );
    }
  }
  if (typeof summary.cluster !== 'string') {
    throw new OutputError(`${file}: field "cluster" is not a string; re-run \`colossus synth\``);
  }
  return summary as OutputSummary;
}

type Resource = Record<string, unknown> & { lifecycle?: { prevent_destroy?: boolean } };

function readTerraform(
  file: string,
  stack: string,
  into: { forgotten: Set<string>; settings: Map<string, StackSettings> },
): Omit<OutputObject, 'yaml'>[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  const json = parseJson(file, text) as {
    resource?: Record<string, Record<string, Resource>>;
    removed?: { from?: string; lifecycle?: { destroy?: boolean } }[];
    provider?: unknown;
    terraform?: { backend?: unknown; required_providers?: unknown };
  };
  into.settings.set(stack, {
    backend: json.terraform?.backend,
    providers: json.provider,
    requiredProviders: json.terraform?.required_providers,
  });
  const { forgotten } = into;
  // Most outputs hold no escaped template at all: skip rebuilding every object then.
  const escaped = text.includes('$${') || text.includes('%%{');
  for (const r of json.removed ?? []) {
    if (r.from !== undefined && r.lifecycle?.destroy === false) forgotten.add(`${stack}/${r.from}`);
  }
  const objects: Omit<OutputObject, 'yaml'>[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, resource] of Object.entries(byName)) {
      const address = `${type}.${name}`;
      const preventDestroy = resource.lifecycle?.prevent_destroy === true;
      if (type === 'kubernetes_manifest') {
        const object = (escaped ? unescapeTemplates(resource.manifest) : resource.manifest) as KubeObject;
        if (!isKubeObject(object)) {
          throw new OutputError(
            `${file}: resource ${address} has no manifest with apiVersion, kind and metadata.name; re-run \`colossus synth\``,
          );
        }
        // prevent_destroy guards data, or hosts a deletion would deprovision (model/lifecycle.ts): only the first is data.
        const protectData = preventDestroy && !deprovisionsHosts(object);
        objects.push({ stack, identity: objectKey(object), address, object, protectData, kubernetes: true });
      } else {
        // Any other resource (helm_release, ...): compared by address, its configuration minus cdktf metadata.
        const config: Record<string, unknown> = { ...resource };
        delete config['//'];
        const object = { apiVersion: 'terraform', kind: type, metadata: { name }, ...config } as KubeObject;
        // Operator releases are protected from uninstall, which is not data.
        const protectData = preventDestroy && type !== 'helm_release';
        objects.push({ stack, identity: address, address, object, protectData, kubernetes: false });
      }
    }
  }
  return objects;
}

function readYaml(dir: string): Map<string, KubeObject> {
  const objects = new Map<string, KubeObject>();
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
    if (!/\.ya?ml$/.test(file)) continue;
    const docs = parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length > 0) {
        throw new OutputError(`${path.join(dir, file)}: invalid YAML: ${doc.errors[0].message}`);
      }
      const object = doc.toJS() as unknown;
      if (object === null || object === undefined) continue;
      if (!isKubeObject(object)) {
        throw new OutputError(
          `${path.join(dir, file)}: a document lacks apiVersion, kind or metadata.name; every document must be a Kubernetes object`,
        );
      }
      objects.set(objectKey(object), object);
    }
  }
  return objects;
}

function isKubeObject(o: unknown): o is KubeObject {
  const x = o as Partial<KubeObject> | null;
  return (
    x !== null &&
    typeof x === 'object' &&
    typeof x.apiVersion === 'string' &&
    typeof x.kind === 'string' &&
    typeof x.metadata?.name === 'string'
  );
}

function parseJson(file: string, text?: string): unknown {
  try {
    return JSON.parse(text ?? fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new OutputError(`${file}: not valid JSON (${(e as Error).message}); re-run \`colossus synth\``);
  }
}

function subdirs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
}
