/**
 * Validation of storage constructs composed in code: props are checked against the spec schema
 * when a construct is created; the storage checks run with the other cross-construct checks
 * (constructs/validation.ts), and protected volumes need protected namespaces.
 */
import { IConstruct } from 'constructs';
import { CLUSTER_SCHEMA, JsonSchema } from '../spec/schema';
import { KubeObject } from '../model/kube';
import { resolveShares } from '../storage/model';
import { EmitOptions, sinkOf } from './object-sink';
import { declareTenantStorage as declareShares, DeclaredTenantStorage } from './validation';

const specSchema = CLUSTER_SCHEMA.properties!.spec.properties!;
/** Schema of one `storage[]` entry. */
export const FILESYSTEM_SCHEMA: JsonSchema = specSchema.storage.items!;
/** Schema of a tenant's `storage` list. */
export const TENANT_STORAGE_SCHEMA: JsonSchema = specSchema.tenants.items!.properties!.storage;

export type { DeclaredTenantStorage } from './validation';

/**
 * Registers a tenant's storage for the cross-construct checks (constructs/validation.ts: shares
 * against their filesystems, with the pools and tenants of the same cluster), and checks that the
 * namespaces holding its protected volumes are protected; both run when the app synthesizes.
 */
export function declareTenantStorage(scope: IConstruct, declared: DeclaredTenantStorage): void {
  declareShares(scope, declared);
  scope.node.addValidation({ validate: () => unprotectedNamespaces(scope, declared) });
}

/** What a stack exposes of its objects (a ColossusStack), read without depending on cdktf. */
interface ObjectsOf {
  readonly stackObjects?: readonly { readonly object: KubeObject; readonly options: EmitOptions }[];
}

/**
 * Namespaces of the stack that hold protected volumes but are not protected themselves: deleting a
 * namespace deletes every claim in it.
 */
function unprotectedNamespaces(scope: IConstruct, declared: DeclaredTenantStorage): string[] {
  const entries = (sinkOf(scope) as ObjectsOf).stackObjects ?? [];
  const volumes = resolveShares(declared).flatMap((s) => s.volumes.filter((v) => v.protected));
  return [...new Set(volumes.map((v) => v.namespace))].flatMap((ns) => {
    const entry = entries.find((e) => e.object.kind === 'Namespace' && e.object.metadata.name === ns);
    if (!entry || entry.options.protectData) return [];
    const names = volumes.filter((v) => v.namespace === ns).map((v) => v.name);
    return [
      `error[unprotected-namespace] namespace "${ns}" holds protected volumes (${names.join(', ')}) but is not protected: deleting it would delete them ` +
        `(fix: pass protectedNamespaces: ["${ns}"] to the tenant's Tenant construct)`,
    ];
  });
}
