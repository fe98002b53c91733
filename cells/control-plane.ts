/**
 * The tuned control plane of a cell: what kubeadm writes into its static pods (through Cluster API
 * v1.14's KubeadmControlPlane `kubeadmConfigSpec`, v1beta2: `clusterConfiguration.etcd.local.extraArgs`,
 * `clusterConfiguration.apiServer.extraArgs` and `extraVolumes`, and `files`), and the API Priority and
 * Fairness levels of its node agents and controllers. Pure data.
 *
 * Events stay in the main etcd: kubeadm's stacked etcd runs one etcd per control-plane machine and has
 * no second member set to put `/events` in (kube-apiserver `--etcd-servers-overrides` needs one). A
 * cell's events are kept short instead (`--event-ttl=1h`), and its size is bounded by maxNodesPerCell.
 */
import type { FlowSchema, PriorityLevelConfiguration } from 'kubernetes-types/flowcontrol/v1';
import { stringify } from 'yaml';
import type { KubeadmControlPlane } from '../model/crds/cluster-api';
import { build, KubeObject, standardLabels } from '../model/kube';
import { OPERATOR_NAMESPACES } from '../operators/charts';

/** etcd `--quota-backend-bytes`: 8 GiB, etcd's suggested maximum (the default is 2 GiB). */
export const TUNED_ETCD_QUOTA_BACKEND_BYTES = 8 * 1024 * 1024 * 1024;

/** etcd `--max-request-bytes` of a cell: room for the largest object the API server accepts (3 MiB body). */
export const TUNED_ETCD_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** Where the audit policy is written on every control-plane machine, and where the log goes. */
export const AUDIT_POLICY_DIR = '/etc/kubernetes/audit';
export const AUDIT_POLICY_FILE = `${AUDIT_POLICY_DIR}/policy.yaml`;
export const AUDIT_LOG_DIR = '/var/log/kubernetes/audit';

type KubeadmClusterConfiguration = NonNullable<
  NonNullable<NonNullable<KubeadmControlPlane['spec']>['kubeadmConfigSpec']>['clusterConfiguration']
>;

/** What a cell's control plane is tuned with. */
export interface ControlPlaneTuning {
  /** kubeadm `clusterConfiguration` fields merged into the KubeadmControlPlane. */
  readonly clusterConfiguration: Record<string, unknown>;
  /** kubeadm `files` written on every control-plane machine (KubeadmControlPlane `kubeadmConfigSpec.files`). */
  readonly files: readonly {
    /** Absolute path on the machine. */
    readonly path: string;
    /** Owner, `user:group`. */
    readonly owner: string;
    /** Mode in octal, for example `0600`. */
    readonly permissions: string;
    /** The file's content. */
    readonly content: string;
  }[];
  /** Extra labels the control-plane hosts must carry (the cell's), so cells never take each other's hosts. */
  readonly hostLabels: Readonly<Record<string, string>>;
}

/** BareMetalHost label naming the cell a control-plane host belongs to. */
export const CELL_LABEL = 'colossus.dev/cell';

/** The tuning of cell `cell`; `externalNamespaces` are the namespaces of external tenants with capacity in it. */
export function controlPlaneTuning(cell: string, externalNamespaces: readonly string[]): ControlPlaneTuning {
  const audit = externalNamespaces.length > 0;
  const arg = (name: string, value: string | number) => ({ name, value: String(value) });
  return {
    clusterConfiguration: {
      etcd: {
        local: {
          extraArgs: [
            arg('quota-backend-bytes', TUNED_ETCD_QUOTA_BACKEND_BYTES),
            arg('max-request-bytes', TUNED_ETCD_MAX_REQUEST_BYTES),
          ],
        },
      },
      apiServer: {
        extraArgs: [
          // kubeadm's default is NodeRestriction alone; this list replaces it, so it is kept.
          arg('enable-admission-plugins', 'NodeRestriction,DenyServiceExternalIPs'),
          // Events share the main etcd (see above): keep them an hour.
          arg('event-ttl', '1h'),
          // APF divides the sum of these among its priority levels: twice the defaults (400 and 200).
          arg('max-requests-inflight', 800),
          arg('max-mutating-requests-inflight', 400),
          ...(audit
            ? [
                arg('audit-policy-file', AUDIT_POLICY_FILE),
                arg('audit-log-path', `${AUDIT_LOG_DIR}/audit.log`),
                arg('audit-log-maxage', 30),
                arg('audit-log-maxbackup', 10),
                arg('audit-log-maxsize', 200),
              ]
            : []),
        ],
        ...(audit
          ? {
              extraVolumes: [
                {
                  name: 'audit-policy',
                  hostPath: AUDIT_POLICY_DIR,
                  mountPath: AUDIT_POLICY_DIR,
                  readOnly: true,
                  pathType: 'DirectoryOrCreate',
                },
                {
                  name: 'audit-log',
                  hostPath: AUDIT_LOG_DIR,
                  mountPath: AUDIT_LOG_DIR,
                  readOnly: false,
                  pathType: 'DirectoryOrCreate',
                },
              ],
            }
          : {}),
      },
      // Checked against the KubeadmControlPlane CRD (cluster-api v1.14.0 v1beta2 kubeadmConfigSpec.clusterConfiguration).
    } satisfies KubeadmClusterConfiguration,
    files: audit
      ? [{ path: AUDIT_POLICY_FILE, owner: 'root:root', permissions: '0600', content: auditPolicy(externalNamespaces) }]
      : [],
    hostLabels: { [CELL_LABEL]: cell },
  };
}

/**
 * The audit policy of a cell with external tenants (audit.k8s.io/v1; first matching rule wins):
 * lease renewals and health probes are not logged; Secrets, ConfigMaps and token reviews only as
 * metadata (never their content); every write in an external tenant's namespaces with its request
 * body; everything else there, and every write elsewhere, as metadata.
 */
export function auditPolicy(externalNamespaces: readonly string[]): string {
  const writes = ['create', 'update', 'patch', 'delete', 'deletecollection'];
  return stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }] },
      { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version'] },
      {
        level: 'Metadata',
        resources: [
          { group: '', resources: ['secrets', 'configmaps'] },
          { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
        ],
      },
      { level: 'Request', namespaces: [...externalNamespaces], verbs: writes },
      { level: 'Metadata', namespaces: [...externalNamespaces] },
      { level: 'Metadata', verbs: writes },
    ],
  });
}

/** Name of the priority level and flow schema of the operators' node agents, and of the controllers. */
export const APF_NODE_AGENTS = 'colossus-node-agents';
export const APF_CONTROLLERS = 'colossus-controllers';

/**
 * API Priority and Fairness (flowcontrol.apiserver.k8s.io/v1) for a cell: the operators' service
 * accounts (their DaemonSets run on every node) get a level of their own, so thousands of agents
 * cannot starve the controllers or the tenants, nor be starved by them; Kueue's controllers (and
 * the MultiKueue manager, which acts as a service account of kueue-system) get another. Matched
 * after the built-in kube-system rules (precedence 900) and before `service-accounts` (9000).
 */
export function priorityAndFairness(): KubeObject[] {
  const labels = standardLabels();
  const level = (name: string, shares: number, queues: number) =>
    build<PriorityLevelConfiguration>({
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
      kind: 'PriorityLevelConfiguration',
      metadata: { name, labels },
      spec: {
        type: 'Limited',
        limited: {
          nominalConcurrencyShares: shares,
          lendablePercent: 50,
          limitResponse: { type: 'Queue', queuing: { queues, handSize: 6, queueLengthLimit: 50 } },
        },
      },
    });
  const schema = (name: string, precedence: number, namespaces: readonly string[]) =>
    build<FlowSchema>({
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
      kind: 'FlowSchema',
      metadata: { name, labels },
      spec: {
        priorityLevelConfiguration: { name },
        matchingPrecedence: precedence,
        // Fair among agents: one node's agent cannot take the level's seats from the others.
        distinguisherMethod: { type: 'ByUser' },
        rules: [
          {
            subjects: namespaces.map((namespace) => ({
              kind: 'ServiceAccount',
              serviceAccount: { namespace, name: '*' },
            })),
            resourceRules: [
              { verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] },
            ],
            nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          },
        ],
      },
    });
  const agents = [
    OPERATOR_NAMESPACES.nodeFeatureDiscovery,
    OPERATOR_NAMESPACES.networkOperator,
    OPERATOR_NAMESPACES.gpuOperator,
  ];
  return [
    level(APF_NODE_AGENTS, 40, 128),
    schema(APF_NODE_AGENTS, 1000, agents),
    level(APF_CONTROLLERS, 60, 64),
    schema(APF_CONTROLLERS, 1100, [OPERATOR_NAMESPACES.kueue]),
  ];
}
