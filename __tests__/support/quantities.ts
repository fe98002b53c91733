/**
 * Finds every Kubernetes quantity in emitted objects, so a test can prove that each one is written
 * in the canonical form the API server returns (model/quantity.ts).
 *
 * - Built-in kinds: the `resource.Quantity` and `ResourceList` fields of k8s.io/api core/v1
 *   (ResourceQuotaSpec.hard, LimitRangeItem max/min/default/defaultRequest/maxLimitRequestRatio,
 *   PersistentVolumeClaimSpec.resources, ResourceRequirements of any container, Pod overhead,
 *   EmptyDirVolumeSource.sizeLimit).
 * - Custom resources: every field whose upstream CRD schema declares the quantity type, which
 *   controller-gen writes as `x-kubernetes-int-or-string: true` with the quantity `pattern`.
 */
import { KubeObject } from '../../model/kube';
import { isRecord } from '../../model/values';
import { isCoreApi } from './core-validator';
import { customResourceSchema } from './crd-validator';

/** One quantity found in an object. */
export interface FoundQuantity {
  /** `Kind/namespace/name path.to.field`. */
  readonly where: string;
  readonly value: string | number;
}

const RESOURCE_LIST_KEYS = new Set([
  'hard',
  'requests',
  'limits',
  'max',
  'min',
  'default',
  'defaultRequest',
  'maxLimitRequestRatio',
  'overhead',
  'capacity',
]);

function isQuantitySchema(schema: Record<string, unknown>): boolean {
  return schema['x-kubernetes-int-or-string'] === true && String(schema.pattern ?? '').startsWith('^(\\+|-)?(([0-9]+');
}

function walkSchema(
  value: unknown,
  schema: unknown,
  path: string,
  out: (path: string, v: string | number) => void,
): void {
  if (!isRecord(schema)) return;
  if (isQuantitySchema(schema) && (typeof value === 'string' || typeof value === 'number')) {
    out(path, value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkSchema(v, schema.items, `${path}[${i}]`, out));
    return;
  }
  if (!isRecord(value)) return;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const [k, v] of Object.entries(value)) {
    walkSchema(v, properties[k] ?? schema.additionalProperties, path ? `${path}.${k}` : k, out);
  }
}

function walkCore(value: unknown, path: string, out: (path: string, v: string | number) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkCore(v, `${path}[${i}]`, out));
    return;
  }
  if (!isRecord(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    if (k === 'sizeLimit' && (typeof v === 'string' || typeof v === 'number')) out(here, v);
    else if (RESOURCE_LIST_KEYS.has(k) && isRecord(v)) {
      // A ResourceList: resource name -> quantity (`hard`, a container's `requests`, a LimitRange's `max`...).
      for (const [name, q] of Object.entries(v)) {
        if (typeof q === 'string' || typeof q === 'number') out(`${here}.${name}`, q);
        else walkCore(q, `${here}.${name}`, out);
      }
    } else if (k !== 'metadata') walkCore(v, here, out);
  }
}

/** Every quantity in `objects`. Custom resources without an upstream CRD are skipped (the conformance test names them). */
export function emittedQuantities(objects: readonly KubeObject[]): FoundQuantity[] {
  const found: FoundQuantity[] = [];
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const out = (path: string, value: string | number) => found.push({ where: `${id} ${path}`, value });
    if (isCoreApi(object.apiVersion)) walkCore(object, '', out);
    else walkSchema(object, customResourceSchema(object), '', out);
  }
  return found;
}
