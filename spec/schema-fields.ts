/**
 * Field schemas that more than one schema module writes (spec/schema.ts, spec/cells-schema.ts,
 * spec/site-schema.ts). In a module of their own because spec/schema.ts imports the others.
 */
import type { JsonSchema } from './schema';
import type { tsType } from './schema-annotations';

/** RFC 1123 label: what Kubernetes accepts for namespace and most object names. */
export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** A name that is an RFC 1123 label of at most `maxLength` characters. */
export const dnsLabel = (description: string, maxLength = 63): JsonSchema => ({
  type: 'string',
  description,
  pattern: DNS_LABEL,
  minLength: 1,
  maxLength,
  'x-fix': `use lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`,
});

/** A kubeconfig context name. */
export const kubeContext = (description: string): JsonSchema => ({
  type: 'string',
  description,
  minLength: 1,
  maxLength: 253,
  pattern: '^[^\\s]+$',
  'x-fix': 'use the context name from your kubeconfig, without spaces',
});

/** A kubeconfig file path. */
export const kubeconfigFile = (description: string): JsonSchema => ({ type: 'string', description, minLength: 1 });

/** An object with exactly `properties`; `type` names its TypeScript type (else it is written inline). */
export const objectOf = (
  description: string,
  properties: Record<string, JsonSchema>,
  required: string[] = [],
  type?: ReturnType<typeof tsType>,
): JsonSchema => ({ type: 'object', description, properties, required, additionalProperties: false, ...type });
