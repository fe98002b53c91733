/**
 * The admission evaluator (admission/evaluate.ts) follows the API server's validating admission policy
 * semantics: matching, match conditions, variables, messages, failure policy and validation actions.
 */
import { AdmissionRequest, admitted, evaluateAdmission } from '../../admission/evaluate';
import type { Namespace } from 'kubernetes-types/core/v1';
import type {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from 'kubernetes-types/admissionregistration/v1';
import { build, KubeObject } from '../../model/kube';

const namespace = (name: string, labels: Record<string, string> = {}): KubeObject =>
  build<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

const policy = (name: string, spec: Record<string, unknown>): KubeObject =>
  build<ValidatingAdmissionPolicy>({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec,
  });

const binding = (name: string, spec: Record<string, unknown>): KubeObject =>
  build<ValidatingAdmissionPolicyBinding>({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { validationActions: ['Deny'], ...spec },
  });

const podRules = [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }];

const pod = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team-a', ...metadata },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
});

const createPod = (object: unknown, extra: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  operation: 'CREATE',
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  namespace: 'team-a',
  object,
  userInfo: { username: 'alice', groups: ['team-a'] },
  ...extra,
});

const base = [namespace('team-a', { tenant: 'a' }), namespace('infra')];

describe('evaluateAdmission', () => {
  test('a failed validation denies with its message; a passing one allows', () => {
    const objects = [
      ...base,
      policy('no-host-network', {
        matchConstraints: { resourceRules: podRules },
        validations: [
          { expression: '!has(object.spec.hostNetwork) || !object.spec.hostNetwork', message: 'no host network' },
        ],
      }),
      binding('no-host-network', { policyName: 'no-host-network' }),
    ];
    const denied = evaluateAdmission(objects, createPod(pod({ hostNetwork: true })));
    expect(denied).toEqual([
      { policy: 'no-host-network', binding: 'no-host-network', allowed: false, messages: ['no host network'] },
    ]);
    expect(admitted(denied)).toBe(false);
    expect(admitted(evaluateAdmission(objects, createPod(pod())))).toBe(true);
  });

  test('resource rules select by operation, group, version, resource and subresource', () => {
    const objects = [
      ...base,
      policy('deny-all', {
        matchConstraints: { resourceRules: podRules },
        validations: [{ expression: 'false', message: 'denied' }],
      }),
      binding('deny-all', { policyName: 'deny-all' }),
    ];
    expect(evaluateAdmission(objects, createPod(pod()))).toHaveLength(1);
    expect(evaluateAdmission(objects, { ...createPod(undefined), operation: 'DELETE', oldObject: pod() })).toEqual([]);
    expect(evaluateAdmission(objects, createPod(pod(), { subResource: 'status' }))).toEqual([]);
    const service = createPod(
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      {
        kind: { group: '', version: 'v1', kind: 'Service' },
        resource: { group: '', version: 'v1', resource: 'services' },
      },
    );
    expect(evaluateAdmission(objects, service)).toEqual([]);
  });

  test('namespace selectors read the namespace object, with the name label the API server adds', () => {
    const objects = [
      ...base,
      policy('p', {
        matchConstraints: { resourceRules: podRules, namespaceSelector: { matchLabels: { tenant: 'a' } } },
        validations: [{ expression: 'false' }],
      }),
      binding('b', {
        policyName: 'p',
        matchResources: {
          namespaceSelector: {
            matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['x'] }],
          },
        },
      }),
    ];
    const [decision] = evaluateAdmission(objects, createPod(pod()));
    expect(decision).toMatchObject({ allowed: false, messages: ['failed expression: false'] });
    expect(evaluateAdmission(objects, createPod(pod(), { namespace: 'infra' }))).toEqual([]);
    expect(evaluateAdmission(objects, createPod(pod(), { namespace: 'unknown' }))).toEqual([]);
  });

  test('a binding without a policy, or whose matchResources exclude the request, does nothing', () => {
    const objects = [
      ...base,
      policy('p', { matchConstraints: { resourceRules: podRules }, validations: [{ expression: 'false' }] }),
      binding('orphan', { policyName: 'missing' }),
      binding('excluding', { policyName: 'p', matchResources: { excludeResourceRules: podRules } }),
    ];
    expect(evaluateAdmission(objects, createPod(pod()))).toEqual([]);
  });

  test('match conditions skip the policy; variables and messageExpression are evaluated', () => {
    const objects = [
      ...base,
      policy('p', {
        matchConstraints: { resourceRules: podRules },
        matchConditions: [{ name: 'not-admin', expression: "request.userInfo.username != 'admin'" }],
        variables: [
          { name: 'images', expression: 'object.spec.containers.map(c, c.image)' },
          { name: 'bad', expression: "variables.images.filter(i, !i.startsWith('registry.local/'))" },
        ],
        validations: [
          {
            expression: 'size(variables.bad) == 0',
            messageExpression: "'images from elsewhere: ' + variables.bad.join(', ')",
            message: 'unused',
          },
        ],
      }),
      binding('b', { policyName: 'p' }),
    ];
    const [decision] = evaluateAdmission(objects, createPod(pod()));
    expect(decision.messages).toEqual(['images from elsewhere: busybox']);
    const admin = createPod(pod(), { userInfo: { username: 'admin', groups: [] } });
    expect(evaluateAdmission(objects, admin)).toEqual([]);
    const local = pod({ containers: [{ name: 'c', image: 'registry.local/app' }] });
    expect(admitted(evaluateAdmission(objects, createPod(local)))).toBe(true);
  });

  test('errors follow failurePolicy; Warn and Audit never deny', () => {
    const validations = [{ expression: 'object.spec.missing == 1', message: 'm' }];
    const objects = [
      ...base,
      policy('fail', { matchConstraints: { resourceRules: podRules }, validations }),
      policy('ignore', { failurePolicy: 'Ignore', matchConstraints: { resourceRules: podRules }, validations }),
      policy('false', { matchConstraints: { resourceRules: podRules }, validations: [{ expression: 'false' }] }),
      binding('fail', { policyName: 'fail' }),
      binding('ignore', { policyName: 'ignore' }),
      binding('warn', { policyName: 'false', validationActions: ['Warn', 'Audit'] }),
    ];
    const decisions = evaluateAdmission(objects, createPod(pod()));
    expect(decisions.map((d) => [d.binding, d.allowed])).toEqual([
      ['fail', false],
      ['warn', true],
      ['ignore', true],
    ]);
    expect(decisions[0].messages[0]).toMatch(/^expression 'object.spec.missing == 1' resulted in error: /);
  });

  test('whole numbers are ints; request, oldObject and the Kubernetes list library are available', () => {
    const objects = [
      ...base,
      policy('p', {
        matchConstraints: { resourceRules: podRules },
        validations: [
          { expression: 'object.spec.terminationGracePeriodSeconds <= 30', message: 'grace' },
          { expression: "request.operation != 'UPDATE' || oldObject.metadata.name == object.metadata.name" },
          { expression: "[3, 1, 2].sum() == 6 && ['b', 'a'].indexOf('a') == 1 && ![2, 1].isSorted()" },
          { expression: "'a, b'.split(',').map(s, s.trim()) == ['a', 'b']" },
        ],
      }),
      binding('b', { policyName: 'p' }),
    ];
    expect(evaluateAdmission(objects, createPod(pod({ terminationGracePeriodSeconds: 30 })))[0]).toMatchObject({
      allowed: true,
      messages: [],
    });
    const update = createPod(pod({ terminationGracePeriodSeconds: 31 }), { operation: 'UPDATE', oldObject: pod() });
    expect(evaluateAdmission(objects, update)[0].messages).toEqual(['grace']);
  });

  test('a Namespace request is matched on the namespace’s own labels', () => {
    const objects = [
      policy('p', {
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['*'], resources: ['namespaces'] }],
          namespaceSelector: { matchLabels: { tenant: 'a' } },
        },
        validations: [{ expression: 'false' }],
      }),
      binding('b', { policyName: 'p' }),
    ];
    const request = (labels: Record<string, string>): AdmissionRequest => ({
      operation: 'UPDATE',
      kind: { group: '', version: 'v1', kind: 'Namespace' },
      resource: { group: '', version: 'v1', resource: 'namespaces' },
      object: { metadata: { name: 'n', labels } },
      oldObject: { metadata: { name: 'n', labels } },
      userInfo: { username: 'u', groups: [] },
    });
    expect(evaluateAdmission(objects, request({ tenant: 'a' }))).toHaveLength(1);
    expect(evaluateAdmission(objects, request({}))).toEqual([]);
  });
});
