/**
 * OperatorReleases: the operators as Terraform `helm_release` resources, through a Helm provider
 * that uses the workload cluster's kubeconfig context (only the file's path is written), plus
 * the releases' namespaces with their Pod Security level.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release, ReleaseConfig } from '@cdktf/provider-helm/lib/release';
import { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { ObjectSink } from '../constructs/object-sink';
import { withImport, withImportMetadata } from '../emit/manifest-resource';
import { escapeTemplates, terraformAddress } from '../emit/terraform';
import { DEFAULTS } from '../spec/defaults';
import { operatorNamespaces, OperatorRelease, RELEASE_DEFAULTS } from './charts';

/** Props of OperatorReleases. */
export interface OperatorReleasesProps {
  readonly releases: readonly OperatorRelease[];
  /** kubeconfig context of the workload cluster. */
  readonly kubeContext: string;
  /**
   * kubeconfig file holding that context.
   * @default - the spec's default, `DEFAULTS.kubernetes.kubeconfig` (spec/defaults.ts)
   */
  readonly kubeconfig?: string;
  /** Kubernetes minor version, for example "1.33"; pins the namespaces' Pod Security version. */
  readonly kubernetesVersion: string;
  /** The stack that takes the releases' namespaces (the operators stack). */
  readonly sink: ObjectSink & Construct;
  /**
   * Create the Helm provider and releases; false adds the namespaces only (YAML output).
   * @default true
   */
  readonly terraform?: boolean;
  /**
   * Import existing releases (ID `namespace/name`, terraform-provider-helm v3.1.1 ImportState).
   * @default false
   */
  readonly adopt?: boolean;
}

/** Helm releases of the operators; a release waits for its namespace and for the releases it needs. */
export class OperatorReleases extends Construct {
  /** The Terraform releases by release name (empty when `terraform` is false). */
  public readonly releases: ReadonlyMap<string, Release>;

  public constructor(scope: Construct, id: string, props: OperatorReleasesProps) {
    super(scope, id);
    operatorNamespaces(props.releases, props.kubernetesVersion).forEach((ns) => props.sink.addObject(ns));
    const releases = new Map<string, Release>();
    this.releases = releases;
    if (props.terraform === false) return;
    // The stack emits each object as a resource named by its address (see emitManifest).
    const namespaceResource = (name: string): TerraformResource[] => {
      const found = props.sink.node.tryFindChild(terraformAddress({ kind: 'Namespace', metadata: { name } }));
      return found instanceof TerraformResource ? [found] : [];
    };
    const provider = new HelmProvider(this, 'helm', {
      kubernetes: { configPath: props.kubeconfig ?? DEFAULTS.kubernetes.kubeconfig, configContext: props.kubeContext },
    });
    for (const r of props.releases) {
      const address = r.name.replace(/[^a-z0-9_]/g, '_');
      const needs = r.needs.map((n) => {
        const needed = releases.get(n);
        if (!needed) {
          throw new Error(`${this.node.path}: release "${r.name}" needs "${n}", which is not declared before it`);
        }
        return needed;
      });
      const release = new HelmRelease(this, address, {
        provider,
        name: r.name,
        namespace: r.namespace,
        repository: r.repository,
        chart: r.chart,
        version: r.version,
        values: [escapeTemplates(valuesYaml(r.values)) as string],
        createNamespace: false,
        wait: r.wait,
        timeout: RELEASE_DEFAULTS.timeoutSeconds,
        maxHistory: RELEASE_DEFAULTS.maxHistory,
        upgradeInstall: RELEASE_DEFAULTS.upgradeInstall,
        disableOpenapiValidation: r.disableOpenApiValidation,
        dependsOn: [...namespaceResource(r.namespace), ...needs],
        // Uninstalling an operator is destructive cluster-wide (Kueue's templated CRDs take every queue
        // and workload with them), and helm provider v3.1.1 replaces a release on a name or namespace
        // change (resource_helm_release.go RequiresReplace): Terraform must refuse both.
        lifecycle: { preventDestroy: true },
        importId: props.adopt ? `${r.namespace}/${r.name}` : undefined,
      });
      release.overrideLogicalId(address);
      releases.set(r.name, release);
    }
  }
}

/**
 * A Helm release that, to adopt one installed already, writes the import block of `importFrom` without
 * the check `importFrom` adds: `terraform version` run on the synthesizing machine (emit/manifest-resource.ts).
 */
class HelmRelease extends Release {
  private readonly importId?: string;

  public constructor(scope: Construct, id: string, config: ReleaseConfig & { readonly importId?: string }) {
    const { importId, ...release } = config;
    super(scope, id, release);
    this.importId = importId;
  }

  public override toTerraform(): Record<string, unknown> {
    return withImport(this, super.toTerraform(), this.importId);
  }

  public override toMetadata(): Record<string, unknown> {
    return withImportMetadata(this, super.toMetadata(), this.importId);
  }
}

/** Values as Helm reads them: YAML with sorted keys, so equal values give equal bytes. */
export function valuesYaml(values: Readonly<Record<string, unknown>>): string {
  return stringify(values, { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: true });
}
