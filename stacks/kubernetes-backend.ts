/**
 * The Terraform `kubernetes` backend (state in a Secret, locked with a Lease), which cdktf
 * has no class for.
 */
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { DataTerraformRemoteStateConfig, TerraformBackend, TerraformRemoteState } from 'cdktf';

/** Longest label value Kubernetes accepts; the backend labels its Secrets `tfstateSecretSuffix=<suffix>`. */
const LABEL_VALUE_MAX = 63;

/**
 * The `secret_suffix` of a stack's state, one Terraform v1.11.4 accepts
 * (internal/backend/remote-state/kubernetes):
 * - backend.go refuses a suffix ending in `-<number>` (it numbers its own chunk Secrets), so
 *   `lab-tenant-team-2` cannot be used as it is;
 * - client.go labels the state Secret and Lease `tfstateSecretSuffix=<suffix>`, a label value:
 *   at most 63 characters, alphanumeric at both ends.
 * A stack name that is already valid is used unchanged, so existing state stays where it is; any
 * other becomes `<name, shortened>-<hash>-state`, which stays unique and ends in a letter.
 */
export function stateSecretSuffix(stackName: string): string {
  const valid =
    stackName.length <= LABEL_VALUE_MAX &&
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(stackName) &&
    !/-[0-9]+$/.test(stackName);
  if (valid) return stackName;
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 8);
  const tail = `-${hash}-state`;
  const head = stackName.slice(0, LABEL_VALUE_MAX - tail.length).replace(/[^a-z0-9]+$/, '');
  return `${head}${tail}`;
}

/** Settings of the kubernetes backend (names as in the Terraform documentation). */
export interface KubernetesBackendConfig {
  /** Suffix of the state Secret `tfstate-<workspace>-<suffix>`; one per stack. */
  readonly secretSuffix: string;
  /** Namespace holding the state Secret and its Lease. */
  readonly namespace: string;
  /** kubeconfig file; never copied, only named. */
  readonly configPath: string;
  /** kubeconfig context. */
  readonly configContext: string;
}

const toTerraform = (c: KubernetesBackendConfig) => ({
  secret_suffix: c.secretSuffix,
  namespace: c.namespace,
  config_path: c.configPath,
  config_context: c.configContext,
});

/** State in a Kubernetes Secret of the cluster itself. */
export class KubernetesBackend extends TerraformBackend {
  public constructor(
    scope: Construct,
    private readonly config: KubernetesBackendConfig,
  ) {
    super(scope, 'backend', 'kubernetes');
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return toTerraform(this.config);
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return this.synthesizeAttributes();
  }

  public getRemoteStateDataSource(scope: Construct, name: string, fromStack: string): TerraformRemoteState {
    return new DataTerraformRemoteStateKubernetes(scope, name, {
      ...this.config,
      secretSuffix: stateSecretSuffix(fromStack),
    });
  }
}

/** Reads another stack's outputs from its kubernetes backend. */
export class DataTerraformRemoteStateKubernetes extends TerraformRemoteState {
  public constructor(scope: Construct, id: string, config: KubernetesBackendConfig & DataTerraformRemoteStateConfig) {
    super(scope, id, 'kubernetes', {
      ...toTerraform(config),
      defaults: config.defaults,
      workspace: config.workspace,
    } as DataTerraformRemoteStateConfig);
  }
}
