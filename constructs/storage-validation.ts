/**
 * Validation of storage constructs composed in code: props are checked against the spec schema
 * when a construct is created, and the storage checks of spec/check-storage.ts run over every
 * TenantStorage of the app when it synthesizes (shares against their filesystems' capacity).
 */
import { IConstruct } from 'constructs';
import { checkStorage } from '../spec/check-storage';
import { formatPath } from '../spec/errors';
import { CLUSTER_SCHEMA, JsonSchema } from '../spec/schema';
import { FilesystemSpec, TenantStorageSpec } from '../spec/types';
import { KubeObject } from '../model/kube';
import { resolveShares } from '../storage/model';
import { EmitOptions, sinkOf } from './object-sink';

const specSchema = CLUSTER_SCHEMA.properties!.spec.properties!;
/** Schema of one `storage[]` entry. */
export const FILESYSTEM_SCHEMA: JsonSchema = specSchema.storage.items!;
/** Schema of a tenant's `storage` list. */
export const TENANT_STORAGE_SCHEMA: JsonSchema = specSchema.tenants.items!.properties!.storage;

const TENANT_STORAGE = Symbol.for('colossus-cdktf.tenant-storage');

/** What a TenantStorage declares, for the checks across the app. */
export interface DeclaredTenantStorage {
  readonly name: string;
  readonly namespaces?: readonly string[];
  readonly storage?: readonly TenantStorageSpec[];
  readonly filesystems: readonly FilesystemSpec[];
}

type Marked = IConstruct & { [TENANT_STORAGE]?: DeclaredTenantStorage };

/** Registers a tenant's storage for the storage checks; they run when the app synthesizes. */
export function declareTenantStorage(scope: IConstruct, declared: DeclaredTenantStorage): void {
  (scope as Marked)[TENANT_STORAGE] = declared;
  scope.node.addValidation({ validate: () => [...storageIssuesAt(scope), ...unprotectedNamespaces(scope, declared)] });
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

/**
 * The storage issues reported at `scope`: its own shares' issues, and those of the filesystems it
 * has a share of. Filesystems are those the app's TenantStorages were given, first declaration wins.
 */
function storageIssuesAt(scope: IConstruct): string[] {
  const all = (scope.node.root.node.findAll() as Marked[]).filter((c) => c[TENANT_STORAGE]);
  const declared = all.map((c) => c[TENANT_STORAGE]!);
  const storage: FilesystemSpec[] = [];
  for (const f of declared.flatMap((d) => d.filesystems)) if (!storage.some((s) => s.name === f.name)) storage.push(f);
  const tenants = declared.map((d) => ({
    name: d.name,
    namespaces: d.namespaces,
    storage: d.storage,
    groups: [],
    gpuQuota: {},
  }));
  const mine = all.indexOf(scope as Marked);
  const shares = new Set((declared[mine].storage ?? []).map((s) => s.filesystem));
  return checkStorage({ storage, tenants }, [])
    .filter((i) => {
      const [list, index] = i.path as [string, number];
      return list === 'tenants' ? index === mine : shares.has(storage[index].name);
    })
    .map((i) => `error[${i.code}] ${formatPath(i.path)}: ${i.message} (fix: ${i.fix})`);
}
