/**
 * The Terraform `kubernetes` backend (state in a Secret, locked with a Lease), which cdktf
 * has no class for.
 */
import { Construct } from 'constructs';
import { DataTerraformRemoteStateConfig, TerraformBackend, TerraformRemoteState } from 'cdktf';

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
    return new DataTerraformRemoteStateKubernetes(scope, name, { ...this.config, secretSuffix: fromStack });
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
