/**
 * A fast writer for the YAML of plain Kubernetes objects. The `yaml` library builds a document
 * tree for every object and, for YAML 1.1, tests every string against every tag of the schema;
 * on a large cluster that was a third of a synth. This writer emits the same bytes for the values
 * objects hold (maps, lists, integers, booleans, null, single-line printable ASCII strings) and
 * reuses the library's own tag tests to decide when a string needs quotes. For anything else it
 * returns undefined and the caller uses the library (the tests compare both on every object).
 */
import { Document } from 'yaml';
import { isRecord as isMap } from '../model/values';

interface TagTest {
  readonly default?: boolean | string;
  readonly tag: string;
  readonly test?: RegExp;
}

/** The YAML 1.1 schema's tags that could read a plain string as something else. */
const RESOLVERS: readonly RegExp[] = (() => {
  const schema = new Document(null, { version: '1.1' }).schema as unknown as {
    tags: readonly TagTest[];
    compat?: readonly TagTest[] | null;
  };
  return [...schema.tags, ...(schema.compat ?? [])]
    .filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test)
    .map((t) => t.test!);
})();

/** What the library refuses as a plain scalar (its `plainString` rule), for single-line strings. */
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|:[ \t]|[\t ]#|[\t :]$/;

/** Printable ASCII without backslash: strings the library quotes without escapes. */
const SIMPLE = /^[\x20-\x5b\x5d-\x7e]*$/;

/** A document marker at the start: the library writes such strings in block style. */
const DOCUMENT_MARKER = /^(---|\.\.\.)/;

/** The YAML document of `value` as `stringify(value, { lineWidth: 0, version: '1.1' })` writes it, or undefined. */
export function fastYaml(value: unknown): string | undefined {
  if (!isMap(value)) return undefined;
  try {
    const keys = Object.keys(value);
    return keys.length === 0 ? '{}\n' : `${mapLines(value, keys, '')}\n`;
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}

/** Thrown inside the writer for a value it leaves to the library. */
const UNSUPPORTED = new Error('unsupported by fastYaml');

function mapLines(map: Record<string, unknown>, keys: readonly string[], indent: string): string {
  return keys.map((key) => `${indent}${scalar(key, true)}:${valuePart(map[key], indent)}`).join('\n');
}

/** What follows `key:` (or `-`): ` scalar`, ` {}`/` []`, or a nested block on the next lines. */
function valuePart(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    return value.length === 0 ? ' []' : `\n${seqLines(value, `${indent}  `)}`;
  }
  if (isMap(value)) {
    const keys = Object.keys(value);
    return keys.length === 0 ? ' {}' : `\n${mapLines(value, keys, `${indent}  `)}`;
  }
  return ` ${scalar(value, false)}`;
}

function seqLines(items: readonly unknown[], indent: string): string {
  return items
    .map((item) => {
      if (Array.isArray(item)) throw UNSUPPORTED;
      if (isMap(item)) {
        const keys = Object.keys(item);
        if (keys.length === 0) return `${indent}- {}`;
        // The first pair goes on the dash's line; the others align under it.
        return `${indent}- ${mapLines(item, keys, `${indent}  `).slice(indent.length + 2)}`;
      }
      return `${indent}- ${scalar(item, false)}`;
    })
    .join('\n');
}

function scalar(value: unknown, implicitKey: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw UNSUPPORTED;
    return String(value);
  }
  if (typeof value !== 'string' || !SIMPLE.test(value) || DOCUMENT_MARKER.test(value)) throw UNSUPPORTED;
  // Long keys become explicit (`? key`); the merge key `<<` has rules of its own.
  if ((implicitKey && value.length > 1000) || value === '<<') throw UNSUPPORTED;
  const plain = value !== '' && !NOT_PLAIN.test(value) && !RESOLVERS.some((re) => re.test(value));
  if (plain) return value;
  // The library's quote choice: single quotes only to avoid escaping double quotes.
  if (value.includes('"')) {
    if (value.includes("'")) throw UNSUPPORTED;
    return `'${value}'`;
  }
  return `"${value}"`;
}
