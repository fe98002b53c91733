/**
 * ClusterProvisioning: the Cluster API and Metal3 objects that provision the cluster's machines,
 * for a stack that targets the management cluster.
 */
import { Construct } from 'constructs';
import { Cluster } from '../model/cluster';
import { finalize, KubeObject, objectKey } from '../model/kube';
import { deprovisionsHosts } from '../model/lifecycle';
import { clusterApiObjects } from '../provisioning/cluster-api';
import { ARGOCD_SYNC_OPTIONS, FLUX_PRUNE } from '../storage/protection';
import { EmitOptions, sinkOf } from './object-sink';

/** Props of ClusterProvisioning. */
export interface ClusterProvisioningProps {
  /** The resolved cluster; it must declare `management`. */
  readonly cluster: Cluster;
}

/** Machines of every pool, one MachineDeployment per block. Create it inside the management stack. */
export class ClusterProvisioning extends Construct {
  /** MachineDeployments per pool name. */
  public readonly machineDeployments: Readonly<Record<string, number>>;

  public constructor(scope: Construct, id: string, props: ClusterProvisioningProps) {
    super(scope, id);
    if (!props.cluster.management) {
      throw new Error(`${this.node.path}: cluster "${props.cluster.name}" declares no spec.management`);
    }
    const objects = clusterApiObjects(props.cluster);
    const sink = sinkOf(this);
    // Deleting these deprovisions hosts: the stack adds prevent_destroy, and GitOps tools must never prune them.
    objects.forEach((o) => sink.addObject(deprovisionsHosts(o) ? withPruneGuards(o) : o, emitOptions(o)));
    this.machineDeployments = Object.fromEntries(props.cluster.pools.map((p) => [p.name, p.blocks]));
  }
}

/** `object` with the annotations that keep Argo CD (prune, delete with its Application) and Flux (prune) from deleting it. */
function withPruneGuards(object: KubeObject): KubeObject {
  const guards = { [ARGOCD_SYNC_OPTIONS]: 'Prune=false,Delete=false', [FLUX_PRUNE]: 'disabled' };
  return finalize({
    ...object,
    metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, ...guards } },
  });
}

const TEMPLATE_KINDS = new Set(['Metal3MachineTemplate', 'KubeadmConfigTemplate']);

/**
 * Content-named templates are replaced, never edited: the new one is created first, the
 * MachineDeployment (or control plane) that names it is updated after it, and the old one is
 * destroyed last (create_before_destroy), so no machine ever refers to a deleted template.
 */
function emitOptions(object: KubeObject): EmitOptions {
  if (TEMPLATE_KINDS.has(object.kind)) return { createBeforeDestroy: true };
  const refs = templateRefs(object);
  return refs.length
    ? {
        dependsOn: refs.map((r) =>
          objectKey({ kind: r.kind, metadata: { name: r.name, namespace: object.metadata.namespace } }),
        ),
      }
    : {};
}

/** The template references of a MachineDeployment or KubeadmControlPlane. */
function templateRefs(object: KubeObject): { kind: string; name: string }[] {
  type Ref = { kind?: string; name?: string };
  const spec = object.spec as
    | {
        template?: { spec?: { bootstrap?: { configRef?: Ref }; infrastructureRef?: Ref } };
        machineTemplate?: { spec?: { infrastructureRef?: Ref } };
      }
    | undefined;
  const refs = [
    spec?.template?.spec?.bootstrap?.configRef,
    spec?.template?.spec?.infrastructureRef,
    spec?.machineTemplate?.spec?.infrastructureRef,
  ];
  return refs.filter(
    (r): r is { kind: string; name: string } => TEMPLATE_KINDS.has(r?.kind ?? '') && typeof r?.name === 'string',
  );
}
