/**
 * The Terraform side of "nothing lost": records of the protected objects each stack emits, and
 * `removed` blocks (Terraform >= 1.7) that make Terraform forget, never destroy, a protected object
 * the spec no longer declares. cdktf has no class for `removed`, hence a small TerraformElement.
 */
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { TerraformElement } from 'cdktf';
import { Construct } from 'constructs';
import { terraformAddress } from '../emit/terraform';
import { KubeObject, LABELS } from '../model/kube';
import { DataRecord, recordKey, retainedRecords, sortRecords } from '../storage/retention';
import { StoragePlan } from '../storage/planner';
import { buildStorageSummary, StorageSummary } from '../storage/summary';
import { ColossusStack } from './colossus-stack';

/** Terraform version that understands `removed` blocks. */
export const REMOVED_BLOCK_MIN_TERRAFORM = '>= 1.7.0';

/** `removed { from = <address>  lifecycle { destroy = false } }` for each address. */
export class RemovedBlocks extends TerraformElement {
  public constructor(
    scope: Construct,
    id: string,
    private readonly addresses: readonly string[],
  ) {
    super(scope, id);
  }

  public toTerraform(): Record<string, unknown> {
    return {
      terraform: { required_version: REMOVED_BLOCK_MIN_TERRAFORM },
      removed: this.addresses.map((from) => ({ from, lifecycle: { destroy: false } })),
    };
  }
}

/** Record of an object of `stack`. */
function recordOf(stack: ColossusStack, object: KubeObject): DataRecord {
  return {
    stack: stack.node.id,
    tenant: object.metadata.labels?.[LABELS.tenant],
    kind: object.kind,
    namespace: object.metadata.namespace ?? (object.kind === 'Namespace' ? object.metadata.name : undefined),
    name: object.metadata.name,
    terraformAddress: `${Manifest.tfResourceType}.${terraformAddress(object)}`,
  };
}

/** Every object the stacks emit with `protectData`, sorted. */
export function protectedRecords(stacks: readonly ColossusStack[]): DataRecord[] {
  return sortRecords(
    stacks.flatMap((s) => s.stackObjects.filter((e) => e.options.protectData).map((e) => recordOf(s, e.object))),
  );
}

/**
 * Adds a `removed` block to each stack for the `previous` records it no longer emits, and returns
 * every retained record (those of stacks no longer synthesized too: nothing plans them, so their
 * objects stay). Call it after every object was added.
 */
export function retainRemovedData(stacks: readonly ColossusStack[], previous: readonly DataRecord[]): DataRecord[] {
  const emitted = new Set(stacks.flatMap((s) => s.objects.map((o) => recordKey(recordOf(s, o)))));
  const retained = retainedRecords(previous, emitted);
  for (const stack of stacks) {
    const addresses = retained.filter((r) => r.stack === stack.node.id).map((r) => r.terraformAddress);
    // Idempotent: buildClusterStacks retains, and the synth pipeline retains for apps composed in code.
    if (addresses.length > 0 && !stack.node.tryFindChild('retained-data')) {
      new RemovedBlocks(stack, 'retained-data', addresses);
    }
  }
  return retained;
}

/** The storage section of the summary; none for a cluster that has no storage and never protected anything. */
export function storageSummaryOf(
  plan: StoragePlan,
  stacks: readonly ColossusStack[],
  retained: readonly DataRecord[],
): StorageSummary | undefined {
  const records = { protected: protectedRecords(stacks), retained };
  if (plan.storage.filesystems.length === 0 && records.protected.length === 0 && retained.length === 0) {
    return undefined;
  }
  return buildStorageSummary(plan, records);
}
