/**
 * Defaults that depend on other fields of the spec, so that no JSON value in spec/schema.ts can hold them
 * (their schema descriptions say them in words). One function each; checks, resolvers and constructs call it
 * instead of restating the rule.
 */
import type { TenantSpec } from './types';

/** A tenant's namespaces: those it declares, else one named after the tenant. */
export function tenantNamespaces(tenant: Pick<TenantSpec, 'name' | 'namespaces'>): readonly string[] {
  return tenant.namespaces ?? [tenant.name];
}
