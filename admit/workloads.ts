/**
 * The pod sets of a workload, as Kueue's job integrations build a Workload from it (kueue v0.19.2
 * pkg/controller/jobs/*): one pod set per Job, per JobSet replicated job, per LeaderWorkerSet role,
 * and one for a Deployment or a bare Pod. Each pod set carries its pod template and pod count.
 */
import { KubeObject } from '../model/kube';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

/** One group of identical pods. */
export interface PodSet {
  readonly name: string;
  readonly count: number;
  /** The pod template: `{metadata, spec}`. */
  readonly template: { readonly metadata: Json; readonly spec: Json };
}

/** Kinds `colossus admit` understands, with the API resource an admission request names. */
export const WORKLOAD_RESOURCES: Readonly<Record<string, { group: string; version: string; resource: string }>> = {
  Job: { group: 'batch', version: 'v1', resource: 'jobs' },
  JobSet: { group: 'jobset.x-k8s.io', version: 'v1alpha2', resource: 'jobsets' },
  TrainJob: { group: 'trainer.kubeflow.org', version: 'v1alpha1', resource: 'trainjobs' },
  LeaderWorkerSet: { group: 'leaderworkerset.x-k8s.io', version: 'v1', resource: 'leaderworkersets' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  Pod: { group: '', version: 'v1', resource: 'pods' },
};

/** The pod sets of `workload`; throws with the reason when its shape is not one Kueue can read. */
export function podSetsOf(workload: KubeObject, objects: readonly KubeObject[] = []): PodSet[] {
  const spec = ((workload as Json).spec ?? {}) as Json;
  const template = (t: Json | undefined, where: string) => {
    if (!t?.spec?.containers?.length) throw new Error(`${where} has no pod template with containers`);
    return { metadata: (t.metadata ?? {}) as Json, spec: t.spec as Json };
  };
  switch (workload.kind) {
    case 'Pod':
      return [{ name: 'main', count: 1, template: template(workload as Json, 'the Pod') }];
    case 'Job':
      return [{ name: 'main', count: jobPods(spec), template: template(spec.template, 'spec.template') }];
    case 'Deployment':
      return [{ name: 'main', count: spec.replicas ?? 1, template: template(spec.template, 'spec.template') }];
    case 'JobSet':
      return ((spec.replicatedJobs ?? []) as Json[]).map((rj, i) => ({
        name: rj.name,
        count: (rj.replicas ?? 1) * jobPods(rj.template?.spec ?? {}),
        template: template(rj.template?.spec?.template, `spec.replicatedJobs[${i}].template.spec.template`),
      }));
    case 'LeaderWorkerSet': {
      const lws = spec.leaderWorkerTemplate ?? {};
      const replicas = spec.replicas ?? 1;
      const size = lws.size ?? 1;
      const worker = template(lws.workerTemplate, 'spec.leaderWorkerTemplate.workerTemplate');
      const sets: PodSet[] = [
        {
          name: 'leader',
          count: replicas,
          template: lws.leaderTemplate
            ? template(lws.leaderTemplate, 'spec.leaderWorkerTemplate.leaderTemplate')
            : worker,
        },
      ];
      if (size > 1) sets.push({ name: 'worker', count: replicas * (size - 1), template: worker });
      return sets;
    }
    case 'TrainJob':
      return trainJobPodSets(workload, spec, objects);
    default:
      throw new Error(`kind ${workload.kind} is not a workload colossus admit reads`);
  }
}

/** Pods a Job runs at once: parallelism (default 1), at most completions. */
function jobPods(spec: Json): number {
  const parallelism = spec.parallelism ?? 1;
  return spec.completions === undefined ? parallelism : Math.min(parallelism, spec.completions);
}

/**
 * A TrainJob's pods come from its runtime (a TrainingRuntime in the same files, or a
 * ClusterTrainingRuntime): the runtime's JobSet template, with the trainer's `numNodes` and
 * `resourcesPerNode` applied to the `node` replicated job (Kubeflow Trainer v2.3 plugins).
 */
function trainJobPodSets(workload: KubeObject, spec: Json, objects: readonly KubeObject[]): PodSet[] {
  const ref = spec.runtimeRef ?? {};
  const runtime = objects.find(
    (o) =>
      o.kind === (ref.kind ?? 'ClusterTrainingRuntime') &&
      o.metadata.name === ref.name &&
      (o.kind !== 'TrainingRuntime' ||
        o.metadata.namespace === undefined ||
        o.metadata.namespace === workload.metadata.namespace),
  );
  if (!runtime) {
    throw new Error(`runtime ${ref.kind ?? 'ClusterTrainingRuntime'} "${ref.name}" is not among the given files`);
  }
  const jobSet = (runtime as Json).spec?.template ?? {};
  const sets = podSetsOf({
    apiVersion: 'jobset.x-k8s.io/v1alpha2',
    kind: 'JobSet',
    metadata: workload.metadata,
    spec: jobSet.spec ?? {},
  });
  const trainer = spec.trainer ?? {};
  return sets.map((s) => {
    if (s.name !== 'node') return s;
    const containers = (s.template.spec.containers as Json[]).map((c, i) =>
      i === 0 && trainer.resourcesPerNode ? { ...c, resources: trainer.resourcesPerNode } : c,
    );
    const labels = { ...s.template.metadata.labels };
    const annotations = { ...s.template.metadata.annotations };
    for (const o of (spec.podTemplateOverrides ?? []) as Json[]) {
      Object.assign(labels, o.metadata?.labels ?? {});
      Object.assign(annotations, o.metadata?.annotations ?? {});
    }
    return {
      ...s,
      count: trainer.numNodes ?? s.count,
      template: { metadata: { ...s.template.metadata, labels, annotations }, spec: { ...s.template.spec, containers } },
    };
  });
}
