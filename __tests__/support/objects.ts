/**
 * Finding Kubernetes objects in a synthesized output by kind, name and namespace, for tests; the matchers in
 * matchers.ts assert on the same references.
 */
import { KubeObject } from '../../model/kube';
import { SynthOutput } from './synth';

/** An object's identity: its kind, and its name and namespace when they matter. */
export interface ObjectRef {
  readonly kind: string;
  readonly name?: string;
  /** The namespace; `null` for a cluster-scoped object. */
  readonly namespace?: string | null;
}

/** Whether `object` is the one (or one of those) `ref` names. */
export function matchesRef(object: KubeObject, ref: ObjectRef): boolean {
  return (
    object.kind === ref.kind &&
    (ref.name === undefined || object.metadata.name === ref.name) &&
    (ref.namespace === undefined || (object.metadata.namespace ?? null) === ref.namespace)
  );
}

/** `Kind namespace/name`, as messages name an object or a reference. */
export function describeRef(ref: ObjectRef | KubeObject): string {
  const { kind } = ref;
  const { name, namespace } = 'metadata' in ref ? ref.metadata : ref;
  return [kind, [namespace, name].filter((s) => s !== undefined && s !== null).join('/')].filter(Boolean).join(' ');
}

/** Every object `ref` names, in order. */
export function findObjects(objects: readonly KubeObject[], ref: ObjectRef): KubeObject[] {
  return objects.filter((o) => matchesRef(o, ref));
}

/** The one object `ref` names; throws, naming what there is, when there is none or several. */
export function getObject(objects: readonly KubeObject[], ref: ObjectRef): KubeObject {
  const found = findObjects(objects, ref);
  if (found.length === 1) return found[0];
  const sameKind = objects.filter((o) => o.kind === ref.kind).map(describeRef);
  throw new Error(
    `expected one ${describeRef(ref)}, found ${found.length}` +
      ` (objects of kind ${ref.kind}: ${sameKind.join(', ') || 'none'})`,
  );
}

/** The objects of every stack of an output (from the YAML manifests), each with its stack. */
export function allObjects(out: SynthOutput): { stack: string; object: KubeObject }[] {
  return out.stacks.flatMap((stack) => out.yamlObjects(stack).map((object) => ({ stack, object })));
}

/** The stacks whose manifests hold an object `ref` names. */
export function stacksHolding(out: SynthOutput, ref: ObjectRef): string[] {
  return out.stacks.filter((stack) => out.yamlObjects(stack).some((o) => matchesRef(o, ref)));
}
