/**
 * The pod network: Cilium as the primary CNI (and the NetworkPolicy engine), and NodeLocal DNSCache.
 * Without a CNI kubelet reports NetworkReady=false and every node stays NotReady after `kubeadm join`,
 * NetworkPolicies are not enforced, and Multus has no primary network to delegate to.
 */
import { Cluster } from '../model/cluster';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { ConfigMap, Service, ServiceAccount } from 'kubernetes-types/core/v1';
import { build, KubeObject, standardLabels } from '../model/kube';
import { DEFAULTS } from '../spec/defaults';

/** Link-local address NodeLocal DNSCache listens on on every node (the addon's default). */
export const NODE_LOCAL_DNS_IP = '169.254.20.10';

/** The NodeLocal DNSCache image (kubernetes/kubernetes cluster/addons/dns/nodelocaldns). */
export const NODE_LOCAL_DNS_IMAGE = 'registry.k8s.io/dns/k8s-dns-node-cache:1.26.8';

/**
 * Cilium's chart values: IPAM from the per-node ranges kube-controller-manager carves out of the
 * spec's podCIDR (kubeadm passes clusterNetwork.pods), the API server reached directly (Cilium
 * starts before any Service works), and `cni.exclusive: false` so that Cilium leaves the Multus
 * configuration the Network Operator writes in /etc/cni/net.d (the chart's default, true, renames
 * every other CNI config away).
 */
export function ciliumValues(cluster: Partial<Pick<Cluster, 'kubernetes' | 'management'>>): Record<string, unknown> {
  const endpoint = cluster.management?.controlPlaneEndpoint;
  return {
    // Without a declared podCIDR kubeadm allocates no node ranges: Cilium's own cluster-pool (10.0.0.0/8) then.
    ipam: { mode: cluster.kubernetes?.podCIDR ? 'kubernetes' : 'cluster-pool' },
    ipv4NativeRoutingCIDR: cluster.kubernetes?.podCIDR,
    routingMode: cluster.kubernetes?.podCIDR ? 'native' : undefined,
    autoDirectNodeRoutes: cluster.kubernetes?.podCIDR ? true : undefined,
    k8sServiceHost: endpoint?.host,
    k8sServicePort: endpoint ? (endpoint.port ?? DEFAULTS.management.controlPlaneEndpoint.port) : undefined,
    cni: { exclusive: false },
    // kube-proxy stays (kubeadm installs it), so NodeLocal DNSCache works in its iptables mode.
    kubeProxyReplacement: false,
    operator: { replicas: 2 },
  };
}

/** The ClusterIP kubeadm gives the cluster DNS Service: the tenth address of the Service range. */
export function clusterDnsIp(serviceCIDR: string): string {
  const [base] = serviceCIDR.split('/');
  const octets = base.split('.').map(Number);
  const value = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) + 10;
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/**
 * NodeLocal DNSCache (the upstream addon's objects, kube-system): a caching resolver on every node at
 * 169.254.20.10 and on the cluster DNS ClusterIP, forwarding misses to CoreDNS through the
 * `kube-dns-upstream` Service. It needs the Service range to know the cluster DNS address.
 */
export function nodeLocalDnsObjects(cluster: Pick<Cluster, 'kubernetes'>): KubeObject[] {
  const serviceCIDR = cluster.kubernetes.serviceCIDR;
  if (!serviceCIDR) return [];
  const dnsIp = clusterDnsIp(serviceCIDR);
  const namespace = 'kube-system';
  const labels = standardLabels({ 'k8s-app': 'node-local-dns' });
  const upstream = standardLabels({ 'k8s-app': 'kube-dns' });
  const zone = (name: string, extra: string) =>
    `${name}:53 {\n    errors\n    cache ${extra}\n    reload\n    loop\n    bind ${NODE_LOCAL_DNS_IP} ${dnsIp}\n    forward . __PILLAR__CLUSTER__DNS__ {\n        force_tcp\n    }\n    prometheus :9253\n}\n`;
  const corefile =
    zone('cluster.local', '{\n        success 9984 30\n        denial 9984 5\n    }') +
    zone('in-addr.arpa', '30') +
    zone('ip6.arpa', '30') +
    `.:53 {\n    errors\n    cache 30\n    reload\n    loop\n    bind ${NODE_LOCAL_DNS_IP} ${dnsIp}\n    forward . __PILLAR__UPSTREAM__SERVERS__\n    prometheus :9253\n}\n`;
  return [
    build<ServiceAccount>({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'node-local-dns', namespace, labels },
    }),
    build<Service>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns-upstream', namespace, labels: upstream },
      spec: {
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
    }),
    build<ConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'node-local-dns', namespace, labels },
      data: { Corefile: corefile },
    }),
    build<DaemonSet>({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-local-dns', namespace, labels },
      spec: {
        updateStrategy: { rollingUpdate: { maxUnavailable: '10%' } },
        selector: { matchLabels: { 'k8s-app': 'node-local-dns' } },
        template: {
          metadata: {
            labels: { 'k8s-app': 'node-local-dns' },
            annotations: { 'prometheus.io/port': '9253', 'prometheus.io/scrape': 'true' },
          },
          spec: {
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'node-local-dns',
            hostNetwork: true,
            dnsPolicy: 'Default',
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { effect: 'NoExecute', operator: 'Exists' },
              { effect: 'NoSchedule', operator: 'Exists' },
            ],
            containers: [
              {
                name: 'node-cache',
                image: NODE_LOCAL_DNS_IMAGE,
                resources: { requests: { cpu: '25m', memory: '5Mi' } },
                args: [
                  '-localip',
                  `${NODE_LOCAL_DNS_IP},${dnsIp}`,
                  '-conf',
                  '/etc/Corefile',
                  '-upstreamsvc',
                  'kube-dns-upstream',
                ],
                securityContext: { capabilities: { add: ['NET_ADMIN'] } },
                ports: [
                  { containerPort: 53, name: 'dns', protocol: 'UDP' },
                  { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                  { containerPort: 9253, name: 'metrics', protocol: 'TCP' },
                ],
                livenessProbe: {
                  httpGet: { host: NODE_LOCAL_DNS_IP, path: '/health', port: 8080 },
                  initialDelaySeconds: 60,
                  timeoutSeconds: 5,
                },
                volumeMounts: [
                  { mountPath: '/run/xtables.lock', name: 'xtables-lock', readOnly: false },
                  { name: 'config-volume', mountPath: '/etc/coredns' },
                  { name: 'kube-dns-config', mountPath: '/etc/kube-dns' },
                ],
              },
            ],
            volumes: [
              { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
              { name: 'kube-dns-config', configMap: { name: 'kube-dns', optional: true } },
              {
                name: 'config-volume',
                configMap: { name: 'node-local-dns', items: [{ key: 'Corefile', path: 'Corefile.base' }] },
              },
            ],
          },
        },
      },
    }),
  ];
}
