/**
 * Kubernetes objects hold plain values only. A cdktf token would resolve in the Terraform output
 * but reach the YAML manifests as `${TfToken[...]}`, so the two emitters would disagree about the
 * same object; it is refused when the object is added, naming where the token is.
 */
import { Token } from 'cdktf';
import { KubeObject, objectKey } from '../model/kube';
import { formatPath, SpecPath } from '../spec/errors';

/** Path of the first cdktf token (string, number, list or IResolvable) in `value`; undefined when none. */
export function findToken(value: unknown, path: SpecPath = []): SpecPath | undefined {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Token.isUnresolved(value)) return path;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i): [number, unknown] => [i, v])
    : Object.entries(value);
  for (const [key, v] of entries) {
    if (typeof key === 'string' && Token.isUnresolved(key)) return [...path, key];
    const found = findToken(v, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Throws, naming the object and the field, when `object` holds a cdktf token. */
export function assertPlainValues(where: string, object: KubeObject): void {
  const at = findToken(object);
  if (at === undefined) return;
  throw new Error(
    `${where}: ${objectKey(object)} has a cdktf token at ${formatPath(at)}; pass a plain value: ` +
      'the object is also written as YAML, where a token cannot resolve',
  );
}
