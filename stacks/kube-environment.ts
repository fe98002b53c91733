/**
 * Environment variables that override a stack's pinned kubeconfig context for `kubernetes_manifest`.
 * terraform-provider-kubernetes v2.38.0 `manifest/provider/configure.go` reads each of these after the
 * provider block and lets it win ("check environment - this overrides any value found in provider
 * configuration"): with `KUBE_CTX` or `KUBE_HOST` exported, every stack (the management cluster's and
 * each workload cluster's) plans and applies against one API server. The helm provider and the
 * kubernetes backend read the same variables only as defaults, so Helm releases would still go where
 * the stack says: the damage is silent and partial. A synth (`colossus synth`, and `cdktf synth`,
 * `diff` and `deploy`, which run the app first) refuses to run with any of them set.
 */

/** Every variable the manifest provider lets override its configuration, in configure.go order. */
export const KUBE_OVERRIDE_VARIABLES = [
  'KUBE_CONFIG_PATH',
  'KUBE_CONFIG_PATHS',
  'KUBE_CLIENT_CERT_DATA',
  'KUBE_CLUSTER_CA_CERT_DATA',
  'KUBE_INSECURE',
  'KUBE_TLS_SERVER_NAME',
  'KUBE_HOST',
  'KUBE_CLIENT_KEY_DATA',
  'KUBE_CTX',
  'KUBE_CTX_CLUSTER',
  'KUBE_CTX_AUTH_INFO',
  'KUBE_USERNAME',
  'KUBE_PASSWORD',
  'KUBE_TOKEN',
  'KUBE_PROXY_URL',
] as const;

/** The override variables set (non-empty: configure.go ignores empty ones) in `env`. */
export function kubeOverridesIn(env: Readonly<Record<string, string | undefined>>): string[] {
  return KUBE_OVERRIDE_VARIABLES.filter((name) => (env[name] ?? '') !== '');
}

/** Throws, naming the variables and the fix, when `env` would redirect the stacks' Kubernetes provider. */
export function assertNoKubeOverrides(env: Readonly<Record<string, string | undefined>> = process.env): void {
  const set = kubeOverridesIn(env);
  if (set.length === 0) return;
  throw new Error(
    `${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set: terraform-provider-kubernetes lets ` +
      `${set.length === 1 ? 'it' : 'them'} override every stack's kubeconfig context, so all stacks would ` +
      `reach one cluster. Unset ${set.length === 1 ? 'it' : 'them'} (unset ${set.join(' ')}); each stack ` +
      'already names its kubeconfig file and context (spec.kubernetes, spec.management).',
  );
}
