/**
 * Kubernetes quantities in canonical form. The API server parses every quantity it stores
 * (`resource.Quantity`) and writes it back canonicalized, so `pods: "10000"` reads back as `10k`
 * and `38404096Gi` as `37504Ti`. kubernetes_manifest compares the applied object with what the
 * server returns and fails ("Provider produced inconsistent result after apply") on any
 * difference, so every quantity this toolkit emits goes through `quantity()` and is written the
 * way the server writes it.
 *
 * The rules follow kubernetes/apimachinery v0.33.0 `pkg/api/resource`: `ParseQuantity`
 * (quantity.go: sign, digits, optional fraction, suffix; binary suffixes Ki..Ei, decimal
 * n u m "" k M G T P E, exponent e/E; values rounded up to 1n; binary values capped at 2^63-1
 * and below 1 read as decimal), `CanonicalizeBytes` (quantity.go: binary kept only for integers
 * of magnitude >= 1024, with the largest power of 1024 as suffix; decimal with the exponent the
 * largest multiple of 3 that loses nothing, amount.go `AsCanonicalBytes`) and the suffix tables
 * of suffix.go.
 */

/** The three quantity formats: the suffix a value was written with decides how it is written back. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: its exact value in nano units (1e-9) and its format. */
export interface ParsedQuantity {
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

/** Suffixes a caller may write a quantity with. */
export type QuantityUnit = '' | 'm' | 'k' | 'M' | 'G' | 'T' | 'P' | 'Ki' | 'Mi' | 'Gi' | 'Ti' | 'Pi' | 'Ei';

const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL).map(([s, e]) => [e, s]));
const BINARY_BY_POWER = new Map(Object.entries(BINARY).map(([s, e]) => [e / 10, s]));
const NANO = 10n ** 9n;
/** resource.maxAllowed: binary quantities are capped at 2^63-1. */
const MAX_INT64 = 2n ** 63n - 1n;

/** The quantity grammar of quantity.go (`<signedNumber><suffix>`); a number may be `5`, `5.`, `.5` or `5.5`. */
const GRAMMAR = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?|[eE][+-]?[0-9]+)$/;

/** Parses a quantity as the API server does; throws on text it refuses. */
export function parseQuantity(text: string): ParsedQuantity {
  const m = GRAMMAR.exec(text);
  if (!m || (m[2] === '' && m[3] === undefined)) throw new Error(`"${text}" is not a Kubernetes quantity`);
  const [, sign, whole, fraction = '', suffix] = m;
  let format: QuantityFormat;
  let base: bigint;
  let exponent: number;
  if (suffix in BINARY) {
    [format, base, exponent] = ['BinarySI', 2n, BINARY[suffix]];
  } else if (suffix in DECIMAL) {
    [format, base, exponent] = ['DecimalSI', 10n, DECIMAL[suffix]];
  } else {
    [format, base, exponent] = ['DecimalExponent', 10n, Number(suffix.slice(1))];
  }
  // value = digits / 10^fraction.length * base^exponent, rounded away from zero to 1n.
  let numerator = BigInt(`${whole}${fraction}` || '0') * NANO;
  let denominator = 10n ** BigInt(fraction.length);
  if (exponent >= 0) numerator *= base ** BigInt(exponent);
  else denominator *= base ** BigInt(-exponent);
  let nanos = numerator / denominator + (numerator % denominator === 0n ? 0n : 1n);
  if (format === 'BinarySI') {
    if (nanos > MAX_INT64 * NANO) nanos = MAX_INT64 * NANO;
    if (nanos > 0n && nanos < NANO) format = 'DecimalSI';
  }
  return { nanos: sign === '-' ? -nanos : nanos, format };
}

/** A quantity as a number of base units (`250m` is 0.25, `2Gi` is 2^31); NaN when the API server would refuse it. */
export function quantityValue(text: string): number {
  try {
    return Number(parseQuantity(text.trim()).nanos) / 1e9;
  } catch {
    return Number.NaN;
  }
}

/** The canonical text of a parsed quantity (quantity.go `CanonicalizeBytes`). */
export function formatQuantity(q: ParsedQuantity): string {
  if (q.nanos === 0n) return '0';
  const negative = q.nanos < 0n;
  const abs = negative ? -q.nanos : q.nanos;
  const sign = negative ? '-' : '';
  // Binary only for whole numbers of magnitude >= 1024; anything else would round, so decimal.
  if (q.format === 'BinarySI' && abs >= 1024n * NANO && abs % NANO === 0n) {
    let amount = abs / NANO;
    let power = 0;
    while (amount >= 1024n && amount % 1024n === 0n) {
      amount /= 1024n;
      power += 1;
    }
    return `${sign}${amount}${BINARY_BY_POWER.get(power) ?? ''}`;
  }
  let amount = abs;
  let exponent = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent += 1;
  }
  // The largest exponent that is a multiple of 3 and loses nothing.
  while (exponent % 3 !== 0) {
    amount *= 10n;
    exponent -= 1;
  }
  if (q.format === 'DecimalExponent') return `${sign}${amount}${exponent === 0 ? '' : `e${exponent}`}`;
  const suffix = DECIMAL_BY_EXPONENT.get(exponent);
  // Beyond 999E apimachinery has no suffix left (and writes a wrong number); nothing here comes near.
  if (suffix === undefined) throw new Error(`${sign}${amount}e${exponent} is too large for a decimal quantity`);
  return `${sign}${amount}${suffix}`;
}

/** The form the API server writes `text` back in: `10000` -> `10k`, `38404096Gi` -> `37504Ti`. */
export function canonicalQuantity(text: string): string {
  return formatQuantity(parseQuantity(text));
}

/**
 * A quantity of `amount` `unit`s in canonical form, the one way this toolkit writes quantities:
 * `quantity(10000)` is `10k`, `quantity(38404096, 'Gi')` is `37504Ti`, `quantity(0.5, 'Ti')` is `512Gi`.
 */
export function quantity(amount: number, unit: QuantityUnit = ''): string {
  const digits = String(amount);
  if (!Number.isFinite(amount) || /e/i.test(digits)) {
    throw new Error(`quantity(${digits}${unit}): not a plain decimal number`);
  }
  return canonicalQuantity(`${digits}${unit}`);
}
