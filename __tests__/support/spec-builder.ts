/**
 * Cluster specs for tests, built as data instead of edited as YAML text.
 *
 * `spec()` starts from the smallest valid cluster (the lab: one pool of two H100 nodes, an internal and an external
 * tenant with 8 GPUs each); each method returns a new builder with one change, so a test states only what it varies:
 *
 *   spec().pool('h100', { nodes: 10 }).issues()            // one pool grown past the site's power budget
 *   spec().withPool({ name: 'b200', gpu: 'B200-SXM-180GB', nodes: 8 }).tenant('team-a', { gpuQuota: { h100: 8, b200: 8 } })
 *
 * A field patched to `undefined` is removed. `raw()` reaches what the types refuse (a string where a number belongs, an
 * unknown field), for tests of the loader's own errors. Tests of line and column positions keep their YAML text: the
 * builder's YAML has its own layout.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { SpecIssue } from '../../spec/errors';
import { LoadedSpec, parseSpec } from '../../spec/load';
import type {
  ClusterSpec,
  ClusterSpecDocument,
  FilesystemSpec,
  NodePoolSpec,
  SiteSpec,
  TenantSpec,
} from '../../spec/types';
import { specIssues } from './spec-issues';
import { ROOT, synthToTemp, SynthOutput, writeSpec } from './synth';

/** Fields to set on a part of the spec; `undefined` removes a field. */
export type Patch<T> = { [K in keyof T]?: T[K] | undefined };

/** The smallest valid cluster: the lab without storage (examples/lab.yaml, support/fixtures.ts LAB). */
export const MINIMAL: ClusterSpecDocument = {
  apiVersion: 'colossus.dev/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'lab' },
  spec: {
    kubernetes: { version: '1.33', context: 'kind-lab' },
    site: { name: 'lab', powerBudgetMW: 0.1, maxRackKW: 30 },
    nodePools: [{ name: 'h100', gpu: 'H100-SXM5-80GB', nodes: 2, nodesPerRack: 2, racksPerBlock: 1 }],
    tenants: [
      { name: 'team-a', groups: ['lab:team-a'], gpuQuota: { h100: 8 } },
      { name: 'partner', external: true, groups: ['partner:admins'], gpuQuota: { h100: 8 } },
    ],
  },
};

/** `base` with `patch` applied: set fields replaced, fields patched to `undefined` removed. */
function patched<T extends object>(base: T, patch: Patch<T>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out as T;
}

/** `items` with the one named `name` changed by `change`; a test naming a missing item fails here, not later. */
function changeNamed<T extends { readonly name: string }>(
  items: readonly T[],
  name: string,
  what: string,
  change: (item: T) => T,
): T[] {
  if (!items.some((i) => i.name === name)) {
    throw new Error(`the spec has no ${what} "${name}" (it has ${items.map((i) => i.name).join(', ') || 'none'})`);
  }
  return items.map((i) => (i.name === name ? change(i) : i));
}

/** An immutable cluster spec under construction; every method returns a changed copy. */
export class SpecBuilder {
  constructor(private readonly doc: ClusterSpecDocument = MINIMAL) {}

  /** The cluster renamed (its stacks are `<name>-...`). */
  named(name: string): SpecBuilder {
    return new SpecBuilder({ ...this.doc, metadata: { name } });
  }

  /** Top-level `spec` fields set (or removed with `undefined`). */
  with(patch: Patch<ClusterSpec>): SpecBuilder {
    return new SpecBuilder({ ...this.doc, spec: patched(this.doc.spec, patch) });
  }

  /** The one site changed by `patch`. */
  site(patch: Patch<SiteSpec>): SpecBuilder {
    const site = this.doc.spec.site;
    if (!site) throw new Error('the spec has no single site (it has `sites`); use withSites');
    return this.with({ site: patched(site, patch) });
  }

  /** Several sites instead of the one site. */
  withSites(...sites: SiteSpec[]): SpecBuilder {
    return this.with({ site: undefined, sites });
  }

  /** A node pool added after the others. */
  withPool(pool: NodePoolSpec): SpecBuilder {
    return this.with({ nodePools: [...this.doc.spec.nodePools, pool] });
  }

  /** The pool `name` changed by `patch`. */
  pool(name: string, patch: Patch<NodePoolSpec>): SpecBuilder {
    return this.with({ nodePools: changeNamed(this.doc.spec.nodePools, name, 'pool', (p) => patched(p, patch)) });
  }

  /** The pool `name` removed. */
  withoutPool(name: string): SpecBuilder {
    changeNamed(this.doc.spec.nodePools, name, 'pool', (p) => p);
    return this.with({ nodePools: this.doc.spec.nodePools.filter((p) => p.name !== name) });
  }

  /** A tenant added after the others. */
  withTenant(tenant: TenantSpec): SpecBuilder {
    return this.with({ tenants: [...this.doc.spec.tenants, tenant] });
  }

  /** The tenant `name` changed by `patch`. */
  tenant(name: string, patch: Patch<TenantSpec>): SpecBuilder {
    return this.with({ tenants: changeNamed(this.doc.spec.tenants, name, 'tenant', (t) => patched(t, patch)) });
  }

  /** Every tenant changed by `change` (for example, each one's quota on a new pool). */
  eachTenant(change: (tenant: TenantSpec) => Patch<TenantSpec>): SpecBuilder {
    return this.with({ tenants: this.doc.spec.tenants.map((t) => patched(t, change(t))) });
  }

  /** The tenant `name` removed. */
  withoutTenant(name: string): SpecBuilder {
    changeNamed(this.doc.spec.tenants, name, 'tenant', (t) => t);
    return this.with({ tenants: this.doc.spec.tenants.filter((t) => t.name !== name) });
  }

  /** A filesystem added to `spec.storage`. */
  withFilesystem(filesystem: FilesystemSpec): SpecBuilder {
    return this.with({ storage: [...(this.doc.spec.storage ?? []), filesystem] });
  }

  /**
   * The document changed as untyped data, for what the types refuse: a wrong type, an unknown or misspelt field.
   * `change` gets a deep copy.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  raw(change: (doc: any) => void): SpecBuilder {
    const copy = structuredClone(this.doc) as ClusterSpecDocument;
    change(copy);
    return new SpecBuilder(copy);
  }

  /** The spec document (a deep copy). */
  build(): ClusterSpecDocument {
    return structuredClone(this.doc);
  }

  /** The spec as YAML text. */
  yaml(): string {
    return stringify(this.doc);
  }

  /** The spec loaded (resolved and checked); throws the SpecError of an invalid spec. */
  load(): LoadedSpec {
    return parseSpec(this.yaml(), 'spec.yaml');
  }

  /** The issues the loader refuses the spec with; none when it loads. */
  issues(): SpecIssue[] {
    return specIssues(this.yaml());
  }

  /** The spec written to a temporary file; returns its path. */
  file(name = 'spec.yaml'): string {
    return writeSpec(this.yaml(), name);
  }

  /** The spec synthesized into a temporary directory. */
  synth(): SynthOutput {
    return synthToTemp(this.yaml());
  }
}

/** A builder starting from the minimal valid cluster, or from `doc`. */
export function spec(doc: ClusterSpecDocument = MINIMAL): SpecBuilder {
  return new SpecBuilder(doc);
}

/** A builder starting from a spec file (relative to the repository root, e.g. `examples/lab.yaml`). */
export function specFromFile(file: string): SpecBuilder {
  return new SpecBuilder(parse(fs.readFileSync(path.resolve(ROOT, file), 'utf8')) as ClusterSpecDocument);
}
