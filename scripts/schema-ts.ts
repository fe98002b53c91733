/**
 * What the two type generators (gen-spec-types.ts from the spec's schema, gen-crd-types.ts from the upstream
 * CRDs) write the same way: the TypeScript type of a JSON-Schema scalar and the literal type of an enum value.
 */

/** The TypeScript type of a JSON-Schema scalar `type`; undefined for `array`, `object`, none or another. */
export function scalarType(type: string | undefined): 'string' | 'number' | 'boolean' | undefined {
  switch (type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return undefined;
  }
}

/** The TypeScript literal of an enum or const value: a single-quoted string, or the number, boolean or null. */
export function literalOf(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value);
}
