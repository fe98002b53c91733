/**
 * Structural validation: interprets the spec's JSON Schema and reports every mismatch with
 * its path, the bad value and a fix. Interpreting the schema (rather than compiling it with a
 * generic validator) keeps the messages ours and the published schema the only definition.
 */
import { JsonSchema } from './schema';
import { SpecIssue, SpecPath, showValue } from './errors';
import { isRecord } from '../model/values';

/** Every structural issue of `value` against `schema`. */
export function validateSchema(value: unknown, schema: JsonSchema, path: SpecPath = []): SpecIssue[] {
  const issues: SpecIssue[] = [];
  check(value, schema, path, issues);
  return issues;
}

function check(value: unknown, schema: JsonSchema, path: SpecPath, out: SpecIssue[]): void {
  const fail = (code: string, message: string, fix: string): void => {
    out.push({ code, path, message, fix: schema['x-fix'] ?? fix });
  };
  if (schema.type && !hasType(value, schema.type)) {
    const got = describeType(value);
    fail(
      'invalid-type',
      `expected ${article(schema.type)} but found ${got} ${showValue(value)}`,
      `write ${article(schema.type)}`,
    );
    return;
  }
  if (schema.const !== undefined && value !== schema.const) {
    fail(
      'invalid-value',
      `must be ${showValue(schema.const)}, found ${showValue(value)}`,
      `write ${showValue(schema.const)}`,
    );
  }
  if (schema.enum && !schema.enum.includes(value as string)) {
    const allowed = schema.enum.map((e) => showValue(e)).join(', ');
    const near = typeof value === 'string' ? nearest(value, schema.enum.map(String)) : undefined;
    fail(
      'invalid-value',
      `${showValue(value)} is not one of ${allowed}`,
      near ? `did you mean "${near}"?` : `use one of ${allowed}`,
    );
  }
  if (typeof value === 'string') checkString(value, schema, fail);
  if (typeof value === 'number') checkNumber(value, schema, fail);
  if (Array.isArray(value)) checkArray(value, schema, path, out, fail);
  else if (isRecord(value)) checkObject(value, schema, path, out);
}

type Fail = (code: string, message: string, fix: string) => void;

function checkString(value: string, schema: JsonSchema, fail: Fail): void {
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    fail(
      'invalid-value',
      value.length === 0 ? 'must not be empty' : `${showValue(value)} is too short`,
      'write a value',
    );
  } else if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    fail(
      'too-long',
      `${showValue(value)} is ${value.length} characters, more than ${schema.maxLength}`,
      `shorten it to at most ${schema.maxLength} characters`,
    );
  } else if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) {
    fail(
      'invalid-format',
      `${showValue(value)} does not match ${schema.pattern}`,
      `write a value matching ${schema.pattern}`,
    );
  }
}

function checkNumber(value: number, schema: JsonSchema, fail: Fail): void {
  const range = describeRange(schema);
  if (!Number.isFinite(value)) {
    fail('invalid-value', `${showValue(value)} is not a finite number`, `use a number${range}`);
  } else if (
    (schema.minimum !== undefined && value < schema.minimum) ||
    (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) ||
    (schema.maximum !== undefined && value > schema.maximum)
  ) {
    fail('out-of-range', `${showValue(value)} is out of range${range}`, `use a number${range}`);
  }
}

function checkArray(value: unknown[], schema: JsonSchema, path: SpecPath, out: SpecIssue[], fail: Fail): void {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    fail(
      'too-few-items',
      `has ${value.length} items, needs at least ${schema.minItems}`,
      `add at least ${schema.minItems} item(s)`,
    );
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    fail(
      'too-many-items',
      `has ${value.length} items, at most ${schema.maxItems} are allowed`,
      `keep at most ${schema.maxItems}`,
    );
  }
  if (schema.uniqueItems) {
    const seen = new Map<string, number>();
    value.forEach((item, i) => {
      const key = JSON.stringify(item);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else
        out.push({
          code: 'duplicate',
          path: [...path, i],
          message: `${showValue(item)} repeats item [${first}]`,
          fix: 'remove the duplicate',
        });
    });
  }
  if (schema.items) value.forEach((item, i) => check(item, schema.items!, [...path, i], out));
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: SpecPath, out: SpecIssue[]): void {
  for (const key of schema.required ?? []) {
    if (value[key] === undefined || value[key] === null) {
      const field = schema.properties?.[key];
      out.push({
        code: 'missing-field',
        path: [...path, key],
        message: `required field "${key}" is missing`,
        fix: `add ${key}${field?.description ? `: ${field.description}` : ''}`,
      });
    }
  }
  const known = Object.keys(schema.properties ?? {});
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    if (schema.propertyNames) check(key, schema.propertyNames, childPath, out);
    // Own properties only: a key such as "__proto__" or "constructor" must not find Object.prototype's.
    const fieldSchema = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (fieldSchema) {
      if (child !== null && child !== undefined) check(child, fieldSchema, childPath, out);
    } else if (typeof schema.additionalProperties === 'object') {
      check(child, schema.additionalProperties, childPath, out);
    } else if (schema.additionalProperties === false) {
      const near = nearest(key, known);
      out.push({
        code: 'unknown-field',
        path: childPath,
        message: `unknown field ${showValue(key)}`,
        fix: near ? `did you mean "${near}"?` : `remove it; known fields: ${known.join(', ')}`,
      });
    }
  }
}

function hasType(value: unknown, type: NonNullable<JsonSchema['type']>): boolean {
  switch (type) {
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && (Number.isInteger(value) || !Number.isFinite(value));
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === type;
  }
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

function article(type: string): string {
  const noun = { object: 'mapping', array: 'list' }[type] ?? type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describeRange(schema: JsonSchema): string {
  const low =
    schema.exclusiveMinimum !== undefined
      ? `above ${schema.exclusiveMinimum}`
      : schema.minimum !== undefined
        ? `from ${schema.minimum}`
        : '';
  const high = schema.maximum !== undefined ? `${low ? ' and ' : ''}at most ${schema.maximum}` : '';
  return low || high ? ` ${low}${high}` : '';
}

/** The candidate closest to `word` by edit distance, when it is plausibly a typo of it. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
