/**
 * Kubernetes objects hold plain values only. A cdktf token would resolve in the Terraform output
 * but reach the YAML manifests as `${TfToken[...]}`, so the two emitters would disagree about the
 * same object; it is refused when the object is added, naming where the token is.
 */
import { Token } from 'cdktf';
import { KubeObject, objectKey } from '../model/kube';
import { formatPath, SpecPath } from '../spec/errors';

/** Every encoded cdktf token (string, list or map) contains this; a cheap test before cdktf's regexes. */
const TOKEN_MARK = '{TfToken[';
/** Number tokens are NaN-boxed into doubles below about -1e289; no plain quantity comes near. */
const TOKEN_NUMBERS_BELOW = -1e280;

function isToken(value: string | number): boolean {
  const maybe = typeof value === 'string' ? value.includes(TOKEN_MARK) : value < TOKEN_NUMBERS_BELOW;
  return maybe && Token.isUnresolved(value);
}

/** Path of the first cdktf token (string, number, list or IResolvable) in `value`; undefined when none. */
export function findToken(value: unknown): SpecPath | undefined {
  return search(value)?.reverse();
}

/** The path to the first token, innermost segment first (built only when one is found). */
function search(value: unknown): (string | number)[] | undefined {
  if (typeof value === 'string' || typeof value === 'number') return isToken(value) ? [] : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (typeof (value as { resolve?: unknown }).resolve === 'function') return [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = search(value[i]);
      if (at) return [...at, i];
    }
    return undefined;
  }
  for (const key in value) {
    if (isToken(key)) return [key];
    const at = search((value as Record<string, unknown>)[key]);
    if (at) return [...at, key];
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
