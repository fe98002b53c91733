/**
 * OperatorReleases: the operators as Terraform `helm_release` resources, through a Helm provider
 * that uses the workload cluster's kubeconfig context (only the file's path is written).
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { escapeTemplates } from '../emit/terraform';
import { OperatorRelease, RELEASE_DEFAULTS } from './charts';

/** Props of OperatorReleases. */
export interface OperatorReleasesProps {
  readonly releases: readonly OperatorRelease[];
  /** kubeconfig context of the workload cluster. */
  readonly kubeContext: string;
  /**
   * kubeconfig file holding that context.
   * @default "~/.kube/config"
   */
  readonly kubeconfig?: string;
}

/** Helm releases of the operators; a release waits for the ones it needs. */
export class OperatorReleases extends Construct {
  /** The Terraform releases by release name. */
  public readonly releases: ReadonlyMap<string, Release>;

  public constructor(scope: Construct, id: string, props: OperatorReleasesProps) {
    super(scope, id);
    const provider = new HelmProvider(this, 'helm', {
      kubernetes: { configPath: props.kubeconfig ?? '~/.kube/config', configContext: props.kubeContext },
    });
    const releases = new Map<string, Release>();
    for (const r of props.releases) {
      const address = r.name.replace(/[^a-z0-9_]/g, '_');
      const release = new Release(this, address, {
        provider,
        name: r.name,
        namespace: r.namespace,
        repository: r.repository,
        chart: r.chart,
        version: r.version,
        values: [escapeTemplates(valuesYaml(r.values)) as string],
        createNamespace: RELEASE_DEFAULTS.createNamespace,
        wait: RELEASE_DEFAULTS.wait,
        timeout: RELEASE_DEFAULTS.timeoutSeconds,
        maxHistory: RELEASE_DEFAULTS.maxHistory,
        dependsOn: r.needs.map((n) => {
          const needed = releases.get(n);
          if (!needed)
            throw new Error(`${this.node.path}: release "${r.name}" needs "${n}", which is not declared before it`);
          return needed;
        }),
      });
      release.overrideLogicalId(address);
      releases.set(r.name, release);
    }
    this.releases = releases;
  }
}

/** Values as Helm reads them: YAML with sorted keys, so equal values give equal bytes. */
export function valuesYaml(values: Readonly<Record<string, unknown>>): string {
  return stringify(values, { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: true });
}
