/**
 * The isolation guards against a hostile tenant (issue 16), checked on a synth output whoever wrote it.
 * Admission guards are checked by behaviour, not by reading: for every tenant namespace, attacks are
 * reviewed against the output's own objects (admission/review.ts: RBAC, zero quotas, every
 * ValidatingAdmissionPolicy evaluated in CEL), and a guard holds when each attack is denied. So a policy
 * that is missing, unbound, set to Ignore or Warn, or rewritten into something weaker is caught alike.
 * Node-label and control-plane guards are read from the objects that carry them.
 * `colossus audit` reports a guard that does not hold; `colossus diff` rates one that stops holding as high.
 */
import { reviewRequest, ReviewRequest } from '../admission/review';
import {
  KUEUE_GATE_PREFIX,
  KUEUE_SERVICE_ACCOUNT,
  MAX_GRACE_SECONDS,
  NETWORKS_ANNOTATION,
} from '../admission/policies';
import { isKind } from '../model/kinds';
import { KubeObject, LABELS } from '../model/kube';
import { reviewOf } from './kinds';
import { queueFlavors } from './kinds/cluster-queue';
import { subjectsOf } from './kinds/rbac';
import { dedicatedTenant } from './kinds/resource-flavor';
import { compare, SynthOutput, workloadOutputs } from './read-output';
import { Tenancy } from './tenancy';

/** One guard, as the README's isolation table names it. */
export type GuardName =
  | 'fabric-own-networks'
  | 'kueue-gates'
  | 'tenant-placement'
  | 'service-external-ips'
  | 'api-server-admission-plugins'
  | 'protected-volumes'
  | 'tenant-priority'
  | 'placement-labels';

/** A guard found not holding: where, and each attack it let through (or each object at fault). */
export interface GuardBreach {
  readonly guard: GuardName;
  /** The tenant namespace the attacks came from, or `kind/namespace/name` of the object at fault. */
  readonly where: string;
  readonly admitted: readonly string[];
}

/** An attack: what it tries, and the request. */
interface Probe {
  readonly guard: GuardName;
  readonly attack: string;
  readonly request: ReviewRequest;
}

const POD = {
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
};

/** Every guard that does not hold in `output`, sorted. Empty when all hold. */
export function guardBreaches(output: SynthOutput): GuardBreach[] {
  const breaches = new Map<string, { guard: GuardName; where: string; admitted: string[] }>();
  const breach = (guard: GuardName, where: string, what: string) => {
    const key = `${guard}\u0000${where}`;
    const b = breaches.get(key) ?? { guard, where, admitted: [] };
    b.admitted.push(what);
    breaches.set(key, b);
  };
  // Each API server admits by its own policies: a split cluster's manager and cells are probed one by one.
  const clusters = workloadOutputs(output);
  for (const { cluster, output: own } of clusters) {
    const objects = own.objects.filter((o) => o.kubernetes).map((o) => o.object);
    const where = (what: string) => (clusters.length > 1 ? `${what} (in ${cluster})` : what);
    for (const probe of tenantProbes(objects, new Tenancy(own))) {
      if (reviewRequest(objects, probe.request).allowed) {
        breach(probe.guard, probe.request.namespace!, where(probe.attack));
      }
    }
    for (const [guard, ns, what] of objectChecks(objects)) breach(guard, ns, where(what));
  }
  return [...breaches.values()].sort((a, b) => compare(a.guard, b.guard) || compare(a.where, b.where));
}

function tenantProbes(objects: readonly KubeObject[], tenancy: Tenancy): Probe[] {
  const flavors = objects.filter((o) => isKind(o, 'ResourceFlavor'));
  const queues = objects.filter((o) => isKind(o, 'ClusterQueue'));
  const probes: Probe[] = [];
  const tenants = [...tenancy.tenants.values()].sort((a, b) => compare(a.name, b.name));
  for (const tenant of tenants) {
    const queue = queues.find((q) => (q.metadata.labels?.[LABELS.tenant] ?? q.metadata.name) === tenant.name);
    const own = new Set(queue ? queueFlavors(queue) : []);
    const foreignPool = flavors.map((f) => f.metadata.name).find((p) => !own.has(p)) ?? 'another-pool';
    const otherTenant =
      flavors.map(dedicatedTenant).find((t) => t !== undefined && t !== tenant.name) ??
      tenants.find((t) => t.name !== tenant.name)?.name ??
      'another-tenant';
    const foreignNamespace =
      [...(tenants.find((t) => t.name !== tenant.name)?.namespaces ?? [])].sort(compare)[0] ?? 'default';
    for (const ns of [...tenant.namespaces].sort(compare)) {
      const user = tenantUser(objects, ns, tenant.groups);
      const add = (
        guard: GuardName,
        attack: string,
        request: Omit<ReviewRequest, 'userInfo' | 'namespace'>,
        userInfo = user,
      ) => probes.push({ guard, attack, request: { ...request, namespace: ns, userInfo } });
      const gated = pod(ns, { schedulingGates: [{ name: `${KUEUE_GATE_PREFIX}admission` }] });
      const createPod = (spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
        ...POD,
        operation: 'CREATE' as const,
        object: pod(ns, { schedulingGates: [{ name: `${KUEUE_GATE_PREFIX}admission` }], ...spec }, annotations),
      });

      if (objects.some((o) => o.metadata.name === `${ns}-rail-0`)) {
        const foreign = `${foreignNamespace}-rail-0`;
        add(
          'fabric-own-networks',
          'networks annotation naming another namespace',
          createPod(
            {},
            {
              [NETWORKS_ANNOTATION]: `${foreignNamespace}/${foreign}`,
            },
          ),
        );
        add(
          'fabric-own-networks',
          'JSON networks with a "Namespace" key',
          createPod(
            {},
            {
              [NETWORKS_ANNOTATION]: `[{"name":"${foreign}","Namespace":"${foreignNamespace}"}]`,
            },
          ),
        );
        add(
          'fabric-own-networks',
          'JSON networks with an escaped key',
          createPod(
            {},
            {
              [NETWORKS_ANNOTATION]: `[{"name":"${foreign}","namespac\\u0065":"${foreignNamespace}"}]`,
            },
          ),
        );
        add(
          'fabric-own-networks',
          'default-network annotation',
          createPod(
            {},
            {
              'v1.multus-cni.io/default-network': `${foreignNamespace}/${foreign}`,
            },
          ),
        );
        add(
          'fabric-own-networks',
          'rail VFs without their rail network',
          createPod({ containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/rail0': 1 } } }] }),
        );
      }
      add('kueue-gates', 'tenant removes the Kueue admission gate', {
        ...POD,
        operation: 'UPDATE',
        oldObject: gated,
        object: pod(ns, { nodeSelector: { [LABELS.placementPool]: [...own][0] ?? foreignPool } }),
      });
      add('kueue-gates', 'tenant unsuspends a Job Kueue has not admitted', {
        kind: { group: 'batch', version: 'v1', kind: 'Job' },
        resource: { group: 'batch', version: 'v1', resource: 'jobs' },
        operation: 'UPDATE',
        oldObject: job(ns, true),
        object: job(ns, false),
      });
      add(
        'tenant-placement',
        `toleration of tenant ${otherTenant}'s dedicated taint`,
        createPod({
          tolerations: [{ key: LABELS.dedicated, operator: 'Equal', value: otherTenant, effect: 'NoSchedule' }],
        }),
      );
      add('tenant-placement', 'toleration without a key', createPod({ tolerations: [{ operator: 'Exists' }] }));
      add(
        'tenant-placement',
        `nodeSelector on pool ${foreignPool}`,
        createPod({ nodeSelector: { [LABELS.pool]: foreignPool } }),
      );
      add('tenant-placement', 'ungated pod with no pool selector', {
        ...POD,
        operation: 'CREATE',
        object: pod(ns, {}),
      });
      add('tenant-placement', 'spec.nodeName at creation', {
        ...POD,
        operation: 'CREATE',
        object: pod(ns, { nodeName: 'n' }),
      });
      add(
        'tenant-placement',
        'termination grace period above the cap',
        createPod({
          terminationGracePeriodSeconds: MAX_GRACE_SECONDS * 100,
        }),
      );
      add('service-external-ips', 'Service with externalIPs', {
        kind: { group: '', version: 'v1', kind: 'Service' },
        resource: { group: '', version: 'v1', resource: 'services' },
        operation: 'CREATE',
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'probe', namespace: ns },
          spec: { ports: [{ port: 80 }], externalIPs: ['203.0.113.7'] },
        },
      });
      for (const claim of protectedClaims(objects, ns)) {
        add('protected-volumes', `delete of claim ${claim}`, {
          kind: { group: '', version: 'v1', kind: 'PersistentVolumeClaim' },
          resource: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
          operation: 'DELETE',
          name: claim,
          oldObject: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: ns } },
        });
      }
      add(
        'tenant-priority',
        'pod naming system-cluster-critical',
        createPod({ priorityClassName: 'system-cluster-critical' }),
      );
      add(
        'tenant-priority',
        `workload with WorkloadPriorityClass ${otherTenant}`,
        {
          kind: { group: 'kueue.x-k8s.io', version: 'v1beta2', kind: 'Workload' },
          resource: { group: 'kueue.x-k8s.io', version: 'v1beta2', resource: 'workloads' },
          operation: 'CREATE',
          object: {
            apiVersion: 'kueue.x-k8s.io/v1beta2',
            kind: 'Workload',
            metadata: { name: 'probe', namespace: ns },
            spec: {
              queueName: 'default',
              podSets: [],
              priorityClassRef: { group: 'kueue.x-k8s.io', kind: 'WorkloadPriorityClass', name: otherTenant },
              priority: 1,
            },
          },
        },
        // Kueue creates Workloads from the job's priority label; tenants cannot create them.
        { username: KUEUE_SERVICE_ACCOUNT, groups: ['system:serviceaccounts', 'system:authenticated'] },
      );
    }
  }
  return probes;
}

function pod(ns: string, spec: Record<string, unknown>, annotations?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'probe', namespace: ns, ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
  };
}

function job(ns: string, suspend: boolean): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'probe', namespace: ns },
    spec: { suspend, template: { spec: { containers: [{ name: 'c', image: 'i' }], restartPolicy: 'Never' } } },
  };
}

/** A member of the tenant: its first group bound in the namespace (or, in old outputs, named by the summary). */
function tenantUser(objects: readonly KubeObject[], ns: string, groups: ReadonlySet<string> | undefined) {
  const bound = objects
    .filter((o) => isKind(o, 'RoleBinding') && o.metadata.namespace === ns)
    .flatMap((o) => subjectsOf(o).filter((s) => s.kind === 'Group'))
    .map((s) => String(s.name));
  const group = bound[0] ?? [...(groups ?? [])][0];
  return { username: 'audit-probe', groups: group ? [group, 'system:authenticated'] : ['system:authenticated'] };
}

/** Claims of the namespace the output protects (`colossus.dev/volume-purpose`), or one stand-in claim. */
function protectedClaims(objects: readonly KubeObject[], ns: string): string[] {
  const claims = objects
    .filter((o) => isKind(o, 'PersistentVolumeClaim') && o.metadata.namespace === ns)
    .filter((o) => o.metadata.labels?.['colossus.dev/volume-purpose'] !== undefined)
    .map((o) => o.metadata.name)
    .sort(compare);
  return claims.length ? claims : ['data'];
}

/**
 * Guards carried by objects rather than admission (placement labels, the API server's plugins): each kind's
 * module in review/kinds/ reads its own objects.
 */
function objectChecks(objects: readonly KubeObject[]): [GuardName, string, string][] {
  const id = (o: KubeObject) => [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/');
  return objects.flatMap((o) =>
    (reviewOf(o.kind)?.guards?.(o) ?? []).map(([guard, what]): [GuardName, string, string] => [guard, id(o), what]),
  );
}
