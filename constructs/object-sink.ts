/**
 * How constructs hand their Kubernetes objects to the stack that emits them, without
 * depending on cdktf: a construct asks the nearest enclosing `ObjectSink` to take them.
 */
import { IConstruct } from 'constructs';
import { KubeObject } from '../model/kube';

/** Options for an emitted object. */
export interface EmitOptions {
  /**
   * The object holds tenant data: Terraform refuses to destroy it and GitOps tools never prune it.
   * @default false
   */
  readonly protectData?: boolean;
  /**
   * When the object is replaced (a new name), create the new one before destroying the old
   * (`lifecycle.create_before_destroy`): for templates that objects added after them still refer to.
   * @default false
   */
  readonly createBeforeDestroy?: boolean;
  /**
   * Keys (`kind/namespace/name`) of objects of the same stack, added before this one, that must exist
   * first (Terraform `depends_on`): a MachineDeployment waits for the templates it names.
   * @default - none (besides the object's namespace)
   */
  readonly dependsOn?: readonly string[];
}

/** Something that collects Kubernetes objects for emission (a `ColossusStack`). */
export interface ObjectSink {
  /** Takes a finalized object; throws when an object with the same identity was added before. */
  addObject(object: KubeObject, options?: EmitOptions): void;
}

function isSink(x: unknown): boolean {
  return typeof (x as Partial<ObjectSink>).addObject === 'function';
}

/** The nearest `ObjectSink` enclosing `scope` (itself included). */
export function sinkOf(scope: IConstruct): ObjectSink {
  const found = [...scope.node.scopes].reverse().find(isSink) as ObjectSink | undefined;
  if (!found) {
    throw new Error(
      `${scope.node.path || 'construct'}: must be created inside a ColossusStack (or another ObjectSink)`,
    );
  }
  return found;
}
