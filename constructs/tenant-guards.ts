/**
 * TenantGuards: the cluster-wide admission policies that hold a hostile tenant to its own pools, queues,
 * priorities and Services (admission/policies.ts). Every cluster that hosts `Tenant`s needs them once, in the
 * stack of its cluster-scoped objects; `colossus audit` reports an output without them. The fabric's network
 * policy comes with `ComputeFabric`, which needs a fabric.
 */
import { Construct } from 'constructs';
import { tenantGuardPolicies } from '../admission/policies';
import { sinkOf } from './object-sink';

/** The tenant guard policies and their bindings. Create it once per cluster, in the platform stack. */
export class TenantGuards extends Construct {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const sink = sinkOf(this);
    for (const o of tenantGuardPolicies()) sink.addObject(o);
  }
}
