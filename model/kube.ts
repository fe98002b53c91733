/**
 * Plain Kubernetes objects: what every construct produces and every emitter consumes.
 * Objects are built once, normalized and frozen; emitters never change them.
 */

/** Label and taint keys this project puts on nodes and objects. */
export const LABELS = {
  pool: 'colossus.dev/pool',
  block: 'colossus.dev/block',
  rack: 'colossus.dev/rack',
  tenant: 'colossus.dev/tenant',
  dedicated: 'colossus.dev/dedicated',
  gpuProduct: 'nvidia.com/gpu.product',
  migConfig: 'nvidia.com/mig.config',
  managedBy: 'app.kubernetes.io/managed-by',
  namespaceName: 'kubernetes.io/metadata.name',
} as const;

/** The `app.kubernetes.io/managed-by` value and the Terraform field manager. */
export const MANAGER = 'colossus-cdktf';

/** Object metadata as this project writes it. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Kubernetes object: apiVersion, kind, metadata and any body. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/** `kind/namespace/name` (or `kind/name` when cluster-scoped): unique within a cluster for the kinds we emit. */
export function objectKey(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return [o.kind, o.metadata.namespace, o.metadata.name].filter((s) => s !== undefined).join('/');
}

/** The API group of an object (`''` for the core group). */
export function apiGroup(o: Pick<KubeObject, 'apiVersion'>): string {
  const slash = o.apiVersion.indexOf('/');
  return slash < 0 ? '' : o.apiVersion.slice(0, slash);
}

/**
 * Normalizes and freezes an object: `apiVersion, kind, metadata` first, map keys sorted and
 * undefined fields dropped, so that equal objects serialize to equal bytes whatever order
 * their builder used. Empty maps stay: `podSelector: {}` means "every pod".
 */
export function finalize<T extends KubeObject>(object: T): T {
  const { apiVersion, kind, metadata, ...body } = object;
  return deepFreeze({ apiVersion, kind, metadata: normalize(metadata), ...(normalize(body) as object) }) as T;
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize).filter((v) => v !== undefined);
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => [k, normalize((value as Record<string, unknown>)[k])] as const)
      .filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries);
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** Standard labels every emitted object carries, plus `extra`. */
export function standardLabels(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { [LABELS.managedBy]: MANAGER, ...extra };
}

/** The identity every emitted object must carry (kubernetes-types leaves these optional). */
interface Identity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
}

/**
 * Builds a finalized object typed by its upstream schema: `build<NetworkPolicy>({...})` lets the
 * compiler reject unknown fields and wrong types against the kubernetes-types definitions.
 */
export function build<T extends object>(object: T & Identity): KubeObject {
  return finalize(object as unknown as KubeObject);
}
