/**
 * A lean `kubernetes_manifest` resource. The provider binding's `Manifest` builds four output
 * references in its constructor, each capturing a full JavaScript stack trace: about a fifth of a
 * large synth went there. This class writes the same Terraform JSON (the arguments this toolkit
 * sets: `manifest`, `field_manager`, and the meta-arguments) and builds nothing else.
 */
import { Construct } from 'constructs';
import {
  IResolvable,
  IResolveContext,
  ITerraformDependable,
  TerraformResource,
  TerraformResourceLifecycle,
} from 'cdktf';

/** The arguments of a `kubernetes_manifest` this toolkit writes. */
export interface KubernetesManifestConfig {
  /** The object, with Terraform template syntax already escaped. */
  readonly manifest: Record<string, unknown>;
  /** Server-side apply field manager. */
  readonly fieldManager: { readonly name: string; readonly forceConflicts: boolean };
  /**
   * What the apply waits for (`wait { fields }`), and how long a create may take (`timeouts { create }`).
   * @default - no wait, the provider's 10m timeouts
   */
  readonly wait?: { readonly fields: Readonly<Record<string, string>>; readonly createTimeout: string };
  /** @default - none */
  readonly dependsOn?: ITerraformDependable[];
  /** @default - none */
  readonly lifecycle?: TerraformResourceLifecycle;
}

/** `kubernetes_manifest` of hashicorp/kubernetes, as `@cdktf/provider-kubernetes` 12 declares it. */
export class KubernetesManifest extends TerraformResource {
  public static readonly tfResourceType = 'kubernetes_manifest';

  public constructor(
    scope: Construct,
    id: string,
    private readonly config: KubernetesManifestConfig,
  ) {
    super(scope, id, {
      terraformResourceType: KubernetesManifest.tfResourceType,
      // The same metadata as the provider binding (@cdktf/provider-kubernetes 12.1.1).
      terraformGeneratorMetadata: {
        providerName: 'kubernetes',
        providerVersion: '2.38.0',
        providerVersionConstraint: '~> 2.0',
      },
      dependsOn: config.dependsOn,
      lifecycle: config.lifecycle,
    });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    const { wait } = this.config;
    return {
      manifest: plainData(this.config.manifest),
      field_manager: { name: this.config.fieldManager.name, force_conflicts: this.config.fieldManager.forceConflicts },
      wait: wait && { fields: { ...wait.fields } },
      timeouts: wait && { create: wait.createTimeout },
    };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {
      manifest: { value: this.config.manifest, isBlock: false, type: 'map', storageClassType: 'anyMap' },
      field_manager: {
        value: { name: this.config.fieldManager.name, force_conflicts: this.config.fieldManager.forceConflicts },
        isBlock: true,
        type: 'list',
        storageClassType: 'ManifestFieldManagerList',
      },
    };
  }
}

/**
 * The manifest behind a token that resolves to it, except in cdktf's preparing pass: that pass
 * walks every attribute only to find cross-stack references, and an object holds none (tokens
 * in objects are refused when they are added, see stacks/plain-values.ts). Saves one of cdktf's
 * three walks over every manifest.
 */
function plainData(manifest: Record<string, unknown>): IResolvable {
  return {
    creationStack: [],
    resolve: (context: IResolveContext) => (context.preparing ? undefined : manifest),
    toString: () => '<kubernetes manifest>',
  };
}
