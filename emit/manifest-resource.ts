/**
 * Lean resources: the same Terraform JSON as cdktf's classes, without what those classes do besides.
 * - `kubernetes_manifest`: the provider binding's `Manifest` builds four output references in its
 *   constructor, each capturing a full JavaScript stack trace: about a fifth of a large synth went there.
 * - `terraform_data`, and the import blocks of adopted objects: cdktf 0.21's `DataResource` and
 *   `TerraformResource.importFrom` each add a validation that runs `terraform version` on the
 *   synthesizing machine (validations/validate-binary-version.js `execSync`), once per resource. That
 *   made a synth fail where no Terraform is installed (a GitOps pipeline writing YAML), and spawned
 *   102 processes for the 230k example, 2,527 more with `--adopt`. The Terraform that deploys is the
 *   one whose version matters, and it refuses a configuration it cannot read.
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
  /**
   * Import ID of the object to adopt (`<apiVersion>//<kind>//<name>[//<namespace>]`): an `import` block.
   * @default - none: the object is created
   */
  readonly importId?: string;
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

  /** The resource, with an adopted object's import block. */
  public override toTerraform(): Record<string, unknown> {
    return withImport(this, super.toTerraform(), this.config.importId);
  }

  public override toMetadata(): Record<string, unknown> {
    return withImportMetadata(this, super.toMetadata(), this.config.importId);
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

/** The arguments of a `terraform_data` this toolkit writes. */
export interface TerraformDataConfig {
  /** Values stored in the state; a change updates the resource. */
  readonly input: Readonly<Record<string, unknown>>;
}

/** Terraform's built-in `terraform_data` (Terraform >= 1.4), as cdktf's `DataResource` writes it. */
export class TerraformData extends TerraformResource {
  public static readonly tfResourceType = 'terraform_data';

  public constructor(
    scope: Construct,
    id: string,
    private readonly config: TerraformDataConfig,
  ) {
    super(scope, id, {
      terraformResourceType: TerraformData.tfResourceType,
      // The same metadata as cdktf 0.21's DataResource.
      terraformGeneratorMetadata: { providerName: 'terraform' },
    });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { input: { ...this.config.input } };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return { input: { value: { ...this.config.input }, isBlock: false, type: 'map', storageClassType: 'anyMap' } };
  }
}

/**
 * `terraform`, what `resource.toTerraform()` gave, with the import block `resource.importFrom(importId)`
 * would add (cdktf 0.21 terraform-resource.js toTerraform); unchanged without an import ID.
 */
export function withImport(
  resource: TerraformResource,
  terraform: Record<string, unknown>,
  importId: string | undefined,
): Record<string, unknown> {
  if (importId === undefined) return terraform;
  const to = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
  return { ...terraform, import: [{ provider: undefined, id: importId, to }] };
}

/** `metadata`, what `resource.toMetadata()` gave, listing the import as `importFrom` would (toMetadata `imports`). */
export function withImportMetadata(
  resource: TerraformResource,
  metadata: Record<string, unknown>,
  importId: string | undefined,
): Record<string, unknown> {
  if (importId === undefined) return metadata;
  return { ...metadata, imports: { [resource.terraformResourceType]: [resource.friendlyUniqueId] } };
}
