/**
 * The Kubernetes CEL library functions that @bufbuild/cel lacks and admission expressions may use, with
 * the semantics of k8s.io/apiserver pkg/cel/library (Kubernetes v1.33):
 *
 * - lists.go: `<list>.isSorted()`, `<list>.sum()`, `<list>.min()`, `<list>.max()`, `<list>.indexOf(x)`,
 *   `<list>.lastIndexOf(x)`;
 * - the strings extension (`split`, `trim`, `lowerAscii`, `indexOf`, `substring`, `replace`, `join`, ...) is
 *   @bufbuild/cel's own `strings` (cel-go ext.Strings), and `matches` is in its standard library (RE2).
 *
 * Not implemented here (an expression that uses them fails to evaluate, which the evaluator reports as an
 * error under the policy's failurePolicy, so a policy that starts to need them cannot pass silently):
 * regex `find`/`findAll`, `url`, `ip`, `cidr`, `quantity`, `authorizer`, optional types (`?.`, `[?`).
 */
import { CelFunc, celError, celMethod, CelScalar, CelValue, isCelList, listType } from '@bufbuild/cel';

type Comparable = bigint | number | string | boolean;

const LIST = listType(CelScalar.DYN);

function items(list: Iterable<CelValue>): CelValue[] {
  return [...list];
}

function comparable(values: CelValue[]): Comparable[] {
  const scalar = (v: CelValue): v is Comparable =>
    typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
  if (!values.every(scalar)) throw celError('list elements are not comparable');
  const kinds = new Set(values.map((v) => typeof v));
  if (kinds.size > 1) throw celError('list elements are of different types');
  return values as Comparable[];
}

function compare(a: Comparable, b: Comparable): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameValue(a: CelValue, b: CelValue): boolean {
  if (isCelList(a) && isCelList(b)) {
    const x = items(a);
    const y = items(b);
    return x.length === y.length && x.every((v, i) => sameValue(v, y[i]));
  }
  return a === b;
}

/** Kubernetes library functions, as @bufbuild/cel overloads. */
export const KUBERNETES_CEL_LIBRARY: readonly CelFunc[] = [
  celMethod('isSorted', LIST, [], CelScalar.BOOL, function () {
    const v = comparable(items(this));
    return v.every((x, i) => i === 0 || compare(v[i - 1], x) <= 0);
  }),
  celMethod('sum', LIST, [], CelScalar.DYN, function () {
    const v = comparable(items(this));
    if (v.length === 0) return 0n;
    if (typeof v[0] === 'bigint') return (v as bigint[]).reduce((a, b) => a + b, 0n);
    if (typeof v[0] === 'number') return (v as number[]).reduce((a, b) => a + b, 0);
    throw celError('sum() needs a list of numbers');
  }),
  celMethod('min', LIST, [], CelScalar.DYN, function () {
    const v = comparable(items(this));
    if (v.length === 0) throw celError('min called on empty list');
    return v.reduce((a, b) => (compare(b, a) < 0 ? b : a));
  }),
  celMethod('max', LIST, [], CelScalar.DYN, function () {
    const v = comparable(items(this));
    if (v.length === 0) throw celError('max called on empty list');
    return v.reduce((a, b) => (compare(b, a) > 0 ? b : a));
  }),
  celMethod('indexOf', LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    return BigInt(items(this).findIndex((v) => sameValue(v, x)));
  }),
  celMethod('lastIndexOf', LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    const v = items(this);
    for (let i = v.length - 1; i >= 0; i--) if (sameValue(v[i], x)) return BigInt(i);
    return -1n;
  }),
];
