/**
 * Annotations that scripts/gen-spec-types.ts reads to write spec/types.ts and spec/defaults.ts from the schema.
 * In a module of their own so that every schema module can use them (spec/schema.ts imports the others).
 */
import type { JsonSchema } from './schema';

/** Names the TypeScript type declared for a schema (`x-ts-type`), with its TSDoc; without it a type is inline. */
export const tsType = (name: string, doc: string) => ({ 'x-ts-type': name, 'x-ts-doc': doc }) as const;

/**
 * A field without a `default` value, saying in its description what holds when it is absent (becomes
 * `@default - <text>` in spec/types.ts). Never repeat a `default` value here: say "each field's default".
 */
export const defaultsTo = (schema: JsonSchema, text: string): JsonSchema => ({
  ...schema,
  description: `${schema.description ?? ''} Default: ${text}.`.trim(),
});
