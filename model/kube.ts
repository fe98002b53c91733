/**
 * Plain Kubernetes objects: what every construct produces and every emitter consumes.
 * Objects are built once, normalized and frozen; emitters never change them.
 */

/** Label and taint keys this project puts on nodes and objects. */
export const LABELS = {
  /** Node label: the node's pool. */
  pool: 'colossus.dev/pool',
  /** Node label: the node's block (`blockName`). */
  block: 'colossus.dev/block',
  /** Node label: the node's rack (`rackName`). */
  rack: 'colossus.dev/rack',
  /**
   * Node label: the node's pool, set only from the management side. Cluster API copies Machine labels under
   * `*.node-restriction.kubernetes.io` to the Node (cluster-api v1.14.0 util/labels/helpers.go
   * GetManagedLabels), and the NodeRestriction admission plugin forbids kubelets to set or change them, so a
   * compromised node cannot claim another pool. Tenant placement (Kueue flavors) selects on these labels.
   */
  placementPool: 'colossus.node-restriction.kubernetes.io/pool',
  /** Node label: the node's block, set from the management side like `placementPool`. */
  placementBlock: 'colossus.node-restriction.kubernetes.io/block',
  /**
   * Node label: the node's rack, copied from its BareMetalHost by Metal3 label sync, whose prefix is exactly
   * this label's (capm3 v1.13.2 controllers/metal3labelsync_controller.go buildLabelSyncSet matches the whole
   * prefix), so label sync owns nothing else; kubelets cannot set it (NodeRestriction).
   */
  placementRack: 'host.colossus.node-restriction.kubernetes.io/rack',
  /** Object label: the tenant an object belongs to. */
  tenant: 'colossus.dev/tenant',
  /** Taint key on the nodes of a pool dedicated to one tenant. */
  dedicated: 'colossus.dev/dedicated',
  /** Node label set by GPU Feature Discovery: the GPU product. */
  gpuProduct: 'nvidia.com/gpu.product',
  /** Node label the MIG manager reads: the MIG layout. */
  migConfig: 'nvidia.com/mig.config',
  /** Object label: the tool that manages the object. */
  managedBy: 'app.kubernetes.io/managed-by',
  /** Namespace label Kubernetes sets to the namespace's name. */
  namespaceName: 'kubernetes.io/metadata.name',
} as const;

/** The `app.kubernetes.io/managed-by` value and the Terraform field manager. */
export const MANAGER = 'colossus-cdktf';

/** Object metadata as this project writes it. */
export interface ObjectMeta {
  /** Object name. */
  readonly name: string;
  /**
   * Namespace of a namespaced object.
   * @default - none: the object is cluster-scoped
   */
  readonly namespace?: string;
  /**
   * Labels.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Kubernetes object: apiVersion, kind, metadata and any body. */
export interface KubeObject {
  /** `group/version`, or `v1` for the core group. */
  readonly apiVersion: string;
  /** Kind, for example `NetworkPolicy`. */
  readonly kind: string;
  /** Name, namespace, labels and annotations. */
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
export interface Identity {
  /** `group/version`, or `v1` for the core group. */
  readonly apiVersion: string;
  /** Kind, for example `NetworkPolicy`. */
  readonly kind: string;
  /** Name, and namespace for namespaced kinds. */
  readonly metadata: ObjectMeta;
}

/**
 * Builds a finalized object typed by its upstream schema: `build<NetworkPolicy>({...})` lets the
 * compiler reject unknown fields and wrong types against the kubernetes-types definitions (core kinds) or
 * the types generated from the pinned CRDs in model/crds (custom resources).
 *
 * The type argument is required: `NoInfer` keeps the compiler from inferring `T` from the object itself
 * (which would accept anything), so without it `T` is `never` and the call does not compile.
 */
export function build<T extends object = never>(object: NoInfer<T> & Identity): KubeObject {
  return finalize(object as unknown as KubeObject);
}
