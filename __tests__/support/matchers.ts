/**
 * Object matchers shared by every suite (jest.config.js loads this file before each one):
 *
 *   expect(objects).toContainObject({ kind: 'ClusterQueue', name: 'team-a' }, { spec: { cohortName: 'lab-shared' } })
 *   expect(output).toHaveObject('lab-tenant-team-a', { kind: 'LocalQueue', namespace: 'team-a', name: 'default' })
 *
 * `fields` is matched like `toMatchObject`: objects by subset, arrays element by element, asymmetric matchers
 * (`expect.any`, `expect.stringContaining`) anywhere. A failure names the objects of that kind there are.
 */
import { KubeObject } from '../../model/kube';
import { describeRef, findObjects, ObjectRef } from './objects';
import { SynthOutput } from './synth';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** The array of objects holds one `ref` names, with `fields` when given. */
      toContainObject(ref: ObjectRef, fields?: Record<string, unknown>): R;
      /**
       * The stack of a synthesized output holds the object `ref` names (with `fields`) in both its YAML manifests
       * and its Terraform JSON.
       */
      toHaveObject(stack: string, ref: ObjectRef, fields?: Record<string, unknown>): R;
    }
  }
}

type Equals = (a: unknown, b: unknown) => boolean;

/** `actual` holds `expected` the way `toMatchObject` means it. */
function subset(actual: unknown, expected: unknown, equals: Equals): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => subset(actual[i], e, equals))
    );
  }
  if (expected !== null && typeof expected === 'object' && Object.getPrototypeOf(expected) === Object.prototype) {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([k, v]) => subset((actual as Record<string, unknown>)[k], v, equals));
  }
  return equals(actual, expected);
}

/** Whether `objects` holds `ref` with `fields`, and a message either way. */
function contains(
  ctx: jest.MatcherContext,
  objects: readonly KubeObject[],
  where: string,
  ref: ObjectRef,
  fields: Record<string, unknown> | undefined,
): { pass: boolean; message: () => string } {
  const named = findObjects(objects, ref);
  const matching = fields ? named.filter((o) => subset(o, fields, (a, b) => ctx.equals(a, b))) : named;
  const want = `${describeRef(ref)}${fields ? ` with ${ctx.utils.printExpected(fields)}` : ''}`;
  if (matching.length > 0) return { pass: true, message: () => `expected ${where} not to hold ${want}` };
  const sameKind = objects.filter((o) => o.kind === ref.kind).map(describeRef);
  const detail =
    named.length > 0
      ? `it holds ${describeRef(ref)} as:\n${named.map((o) => ctx.utils.printReceived(o)).join('\n')}`
      : `its objects of kind ${ref.kind}: ${sameKind.join(', ') || 'none'}`;
  return { pass: false, message: () => `expected ${where} to hold ${want}; ${detail}` };
}

expect.extend({
  toContainObject(received: readonly KubeObject[], ref: ObjectRef, fields?: Record<string, unknown>) {
    if (!Array.isArray(received)) throw new Error('toContainObject: expected an array of objects');
    return contains(this, received, 'the objects', ref, fields);
  },

  toHaveObject(received: SynthOutput, stack: string, ref: ObjectRef, fields?: Record<string, unknown>) {
    if (!received.stacks.includes(stack)) {
      return {
        pass: false,
        message: () => `expected a stack ${stack}; the output has ${received.stacks.join(', ')}`,
      };
    }
    const yaml = contains(this, received.yamlObjects(stack), `the manifests of ${stack}`, ref, fields);
    const terraform = contains(
      this,
      [...received.terraformObjects(stack).values()],
      `the Terraform JSON of ${stack}`,
      ref,
      fields,
    );
    // Negated, the object must be in neither; otherwise in both (the two emitters describe the same objects).
    const pass = yaml.pass && terraform.pass;
    const failed = !yaml.pass ? yaml : terraform;
    return {
      pass: this.isNot ? yaml.pass || terraform.pass : pass,
      message: () => (this.isNot ? (yaml.pass ? yaml : terraform).message() : failed.message()),
    };
  },
});
