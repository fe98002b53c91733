/** KubeadmControlPlane: the API server's admission plugins, which the node and Service guards rely on. */
import { KindReview } from './rule';

/** Admission plugins the isolation guards need: nodes label only themselves; Services take no external IPs. */
const REQUIRED_PLUGINS = ['NodeRestriction', 'DenyServiceExternalIPs'];

export const kubeadmControlPlaneReview: KindReview = {
  kinds: ['KubeadmControlPlane'],
  guards: (kcp) => {
    type Arg = { name: string; value: string };
    const args = (
      (kcp.spec ?? {}) as { kubeadmConfigSpec?: { clusterConfiguration?: { apiServer?: { extraArgs?: Arg[] } } } }
    ).kubeadmConfigSpec?.clusterConfiguration?.apiServer?.extraArgs;
    // Without the flag kubeadm enables NodeRestriction alone.
    const plugins = (args ?? []).find((a) => a.name === 'enable-admission-plugins')?.value.split(',') ?? [
      'NodeRestriction',
    ];
    return REQUIRED_PLUGINS.filter((x) => !plugins.includes(x)).map((p) => [
      'api-server-admission-plugins',
      `admission plugin ${p} is not enabled`,
    ]);
  },
};
