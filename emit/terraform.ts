/**
 * Terraform emission: one `kubernetes_manifest` per object, addressed by the object's
 * identity so that moving a construct never replaces a live object.
 */
import { Construct } from 'constructs';
import { apiGroup, KubeObject, MANAGER } from '../model/kube';
import { KubernetesManifest } from './manifest-resource';

/**
 * The Terraform resource name of an object: `<kind>_<namespace>_<name>`, lower-case, with every
 * character Terraform does not allow in a name turned into `_`. It depends on the object alone.
 */
export function terraformAddress(object: Pick<KubeObject, 'kind' | 'metadata'>): string {
  const parts = [object.kind, object.metadata.namespace, object.metadata.name].filter((p) => p !== undefined);
  return parts
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
}

/**
 * Escapes Terraform template syntax in every string, so `${...}` and `%{...}` written in a spec
 * reach the cluster literally instead of being evaluated by Terraform.
 */
export function escapeTemplates(value: unknown): unknown {
  // Replacer functions: in a replacement string "$$" would itself mean a single "$".
  if (typeof value === 'string') {
    return TEMPLATE.test(value) ? value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{') : value;
  }
  if (value === null || typeof value !== 'object') return value;
  // What holds nothing to escape is returned as it is (objects are frozen): no copy, no garbage.
  if (Array.isArray(value)) {
    const items = value.map(escapeTemplates);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  const entries = Object.entries(value);
  const escaped = entries.map(([k, v]) => [escapeTemplates(k) as string, escapeTemplates(v)] as const);
  return escaped.some(([k, v], i) => k !== entries[i][0] || v !== entries[i][1]) ? Object.fromEntries(escaped) : value;
}

const TEMPLATE = /[$%]\{/;

/** Options of one emitted manifest resource. */
export interface ManifestOptions {
  /** Terraform refuses to destroy the resource (`lifecycle.prevent_destroy`). */
  readonly preventDestroy?: boolean;
  /** Terraform creates a replacement before destroying the old resource (`lifecycle.create_before_destroy`). */
  readonly createBeforeDestroy?: boolean;
  /** Resources that must exist first (the object's namespace, say). */
  readonly dependsOn?: readonly KubernetesManifest[];
}

/** Creates the `kubernetes_manifest` resource of `object` directly under `stack`. */
export function emitManifest(stack: Construct, object: KubeObject, options: ManifestOptions = {}): KubernetesManifest {
  const address = terraformAddress(object);
  const resource = new KubernetesManifest(stack, address, {
    manifest: escapeTemplates(object) as Record<string, unknown>,
    fieldManager: { name: MANAGER, forceConflicts: false },
    dependsOn: options.dependsOn?.length ? [...options.dependsOn] : undefined,
    lifecycle:
      options.preventDestroy || options.createBeforeDestroy
        ? {
            preventDestroy: options.preventDestroy || undefined,
            createBeforeDestroy: options.createBeforeDestroy || undefined,
          }
        : undefined,
  });
  resource.overrideLogicalId(address);
  return resource;
}

/** Whether `object` is a Kubernetes Namespace. */
export function isNamespace(object: KubeObject): boolean {
  return object.kind === 'Namespace' && apiGroup(object) === '';
}
