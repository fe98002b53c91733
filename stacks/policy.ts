/**
 * Object policies: rules a partner or the platform team registers on an app or a stack, which
 * every Kubernetes object of the stacks below it must pass. A violation fails synthesis (through a
 * construct validation, so before anything is written), naming the object, the policy and why.
 */
import { IConstruct, IValidation } from 'constructs';
import { KubeObject, objectKey } from '../model/kube';

/** A rule every synthesized object must follow; the Aspect-style hook for site or partner policy. */
export interface ObjectPolicy {
  /** Short kebab-case name, shown in every violation (`no-privileged-namespaces`). */
  readonly name: string;
  /**
   * Checks one finalized object.
   * @returns why `object` violates the policy, or `undefined` when it complies
   */
  check(object: KubeObject): string | undefined;
}

/** Something whose objects the policies in force for it check (a `ColossusStack`). */
export interface PolicySubject extends IConstruct {
  /** The objects to check. */
  readonly objects: readonly KubeObject[];
}

const registry = new WeakMap<IConstruct, readonly ObjectPolicy[]>();

/**
 * Registers `policy` on `scope` (a cdktf App, a ColossusStack or any construct above stacks): it
 * checks every object of every ColossusStack at or below `scope` when the app is synthesized.
 * @throws when the name is empty or a policy of the same name is already registered on `scope`
 */
export function addPolicy(scope: IConstruct, policy: ObjectPolicy): void {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(policy.name)) {
    throw new Error(`policy name "${policy.name}" must be kebab-case (lower-case letters, digits and "-")`);
  }
  const existing = registry.get(scope) ?? [];
  if (existing.some((p) => p.name === policy.name)) {
    throw new Error(`${scope.node.path || 'app'}: a policy named "${policy.name}" is already registered here`);
  }
  registry.set(scope, [...existing, policy]);
}

/** The policies in force for `scope`: those registered on it and on every scope enclosing it, outermost first. */
export function policiesOf(scope: IConstruct): readonly ObjectPolicy[] {
  return [...new Set(scope.node.scopes.flatMap((s) => registry.get(s) ?? []))];
}

/** One message per object and policy it violates: `<kind>/<namespace>/<name> violates policy "<name>": <why>`. */
export function policyViolations(subject: PolicySubject): string[] {
  const policies = policiesOf(subject);
  const messages: string[] = [];
  for (const object of subject.objects) {
    for (const policy of policies) {
      let reason: string | undefined;
      try {
        reason = policy.check(object);
      } catch (e) {
        // A policy that crashes must not let the object through silently.
        reason = `the check threw: ${(e as Error).message ?? String(e)}`;
      }
      if (reason !== undefined) messages.push(`${objectKey(object)} violates policy "${policy.name}": ${reason}`);
    }
  }
  return messages;
}

/** The validation a ColossusStack registers: cdktf runs it at synth, before any file is written. */
export function policyValidation(subject: PolicySubject): IValidation {
  return { validate: () => policyViolations(subject) };
}
