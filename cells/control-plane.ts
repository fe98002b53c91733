/**
 * The tuned control plane of a cell (Cluster API v1.14 KubeadmControlPlane, kubeadm
 * clusterConfiguration). Pure data: provisioning/cluster-api.ts merges it into the cell's objects.
 */

/** etcd `--max-request-bytes` of a cell: room for the largest object the API server accepts (3 MiB body). */
export const TUNED_ETCD_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
