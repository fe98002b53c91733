/**
 * Terraform emission: one `kubernetes_manifest` per object, addressed by the object's
 * identity so that moving a construct never replaces a live object.
 */
import { Construct } from 'constructs';
import { apiGroup, KubeObject, MANAGER } from '../model/kube';
import { deprovisionsHosts, immutableValues, readinessWait } from '../model/lifecycle';
import { KubernetesManifest, TerraformData } from './manifest-resource';

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
  /** Take over fields other field managers own (`force_conflicts`), to adopt an existing object. */
  readonly adopt?: boolean;
  /**
   * Import the existing object with this ID (an `import` block), to adopt it.
   * @default - none: the object is created
   */
  readonly importId?: string;
}

/** Suffix of the `terraform_data` resource holding an object's immutable fields. */
export const IMMUTABLE_SUFFIX = '_immutable';

/**
 * Creates the `kubernetes_manifest` resource of `object` directly under `stack`, with what the
 * object's kind needs over its life (model/lifecycle.ts):
 * - kinds whose deletion deprovisions hosts get `prevent_destroy`;
 * - objects a later stack needs a controller to act on get a `wait` (the next stack plans only then);
 * - fields the API refuses to change are copied into a `terraform_data` resource whose change
 *   replaces the object (`replace_triggered_by`): kubernetes_manifest itself replaces only on
 *   apiVersion, kind, name and namespace, so without it the plan would pass and every apply fail
 *   with 422. Terraform v1.11.4 (eval_context_builtin.go EvaluateReplaceTriggeredBy) triggers on an
 *   update or replace of the referenced resource, never on its create, so adding the resource to a
 *   live stack replaces nothing.
 */
export function emitManifest(stack: Construct, object: KubeObject, options: ManifestOptions = {}): KubernetesManifest {
  const address = terraformAddress(object);
  const immutable = immutableValues(object);
  const trigger =
    Object.keys(immutable).length === 0
      ? undefined
      : new TerraformData(stack, `${address}${IMMUTABLE_SUFFIX}`, {
          // Field path to its value as JSON: one string per field, so a plan names the field that changed.
          input: Object.fromEntries(
            Object.entries(immutable).map(([path, value]) => [path, escapeTemplates(JSON.stringify(value))]),
          ),
        });
  trigger?.overrideLogicalId(`${address}${IMMUTABLE_SUFFIX}`);
  const preventDestroy = options.preventDestroy || deprovisionsHosts(object);
  const lifecycle =
    preventDestroy || trigger || options.createBeforeDestroy
      ? {
          preventDestroy: preventDestroy || undefined,
          createBeforeDestroy: options.createBeforeDestroy || undefined,
          // A plain reference: Terraform v1.11.4 (configs/import.go unwrapJSONRefExpr) parses the JSON string
          // as an expression, and cdktf 0.21's "${...}" for a resource object is not one (hashicorp/terraform-cdk#3532).
          replaceTriggeredBy: trigger ? [`${TerraformData.tfResourceType}.${trigger.friendlyUniqueId}`] : undefined,
        }
      : undefined;
  const resource = new KubernetesManifest(stack, address, {
    manifest: escapeTemplates(object) as Record<string, unknown>,
    fieldManager: { name: MANAGER, forceConflicts: options.adopt ?? false },
    wait: readinessWait(object),
    dependsOn: options.dependsOn?.length ? [...options.dependsOn] : undefined,
    lifecycle,
    importId: options.importId,
  });
  resource.overrideLogicalId(address);
  return resource;
}

/** Whether `object` is a Kubernetes Namespace. */
export function isNamespace(object: KubeObject): boolean {
  return object.kind === 'Namespace' && apiGroup(object) === '';
}
