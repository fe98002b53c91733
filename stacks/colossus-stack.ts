/**
 * ColossusStack: a Terraform stack with its own state that collects Kubernetes objects once
 * and emits them as `kubernetes_manifest` resources; the YAML emitter reads the same objects.
 */
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { EmitOptions, ObjectSink } from '../constructs/object-sink';
import { KubernetesManifest } from '../emit/manifest-resource';
import { emitManifest, isNamespace, terraformAddress } from '../emit/terraform';
import { KubeObject, objectKey } from '../model/kube';
import { DEFAULTS } from '../spec/defaults';
import { assertNoKubeOverrides } from './kube-environment';
import { KubernetesBackend, stateSecretSuffix } from './kubernetes-backend';
import { assertPlainValues } from './plain-values';
import { policyValidation } from './policy';

/** Where a stack keeps its Terraform state. */
export type StackBackend =
  | {
      /** State in a local file. */
      readonly kind: 'local';
      /** State file path, relative to the stack's synthesized directory. */
      readonly path: string;
    }
  | {
      /** State in a Secret of the cluster, locked with a Lease. */
      readonly kind: 'kubernetes';
      /** Namespace of the Secret and the Lease. */
      readonly namespace: string;
    };

/** Props of a ColossusStack. */
export interface ColossusStackProps {
  /** kubeconfig context the kubernetes provider (and a kubernetes backend) use. */
  readonly kubeContext: string;
  /**
   * kubeconfig file the provider reads; only its path is written, never its content.
   * @default - the spec's default, `DEFAULTS.kubernetes.kubeconfig` (spec/defaults.ts)
   */
  readonly kubeconfig?: string;
  /**
   * Where the stack's state lives.
   * @default - local, `terraform.<stack>.tfstate` in the stack's synthesized directory
   */
  readonly backend?: StackBackend;
  /**
   * Create Terraform resources for the objects; false emits the objects to YAML only.
   * @default true
   */
  readonly terraform?: boolean;
  /**
   * Adopt objects that already exist: an `import` block per object (kubernetes_manifest refuses to
   * create an existing one, manifest/provider/apply.go) and server-side apply taking over the fields
   * other managers own. For one deploy against an existing cluster; Terraform skips the import of an
   * address already in its state.
   * @default false
   */
  readonly adopt?: boolean;
}

/**
 * The import ID of an object for kubernetes_manifest: `apiVersion=..,kind=..,[namespace=..,]name=..`
 * (terraform-provider-kubernetes v2.38.0 util/util.go ParseResourceID).
 */
export function manifestImportId(object: KubeObject): string {
  const ns = object.metadata.namespace;
  return [
    `apiVersion=${object.apiVersion}`,
    `kind=${object.kind}`,
    ...(ns === undefined ? [] : [`namespace=${ns}`]),
    `name=${object.metadata.name}`,
  ].join(',');
}

/** An object and how it is emitted. */
export interface StackObject {
  /** The finalized object. */
  readonly object: KubeObject;
  /** How it is emitted. */
  readonly options: EmitOptions;
}

/** A Terraform stack of Kubernetes objects. Constructs inside it add objects with `addObject`. */
export class ColossusStack extends TerraformStack implements ObjectSink {
  private readonly entries = new Map<string, StackObject>();
  private readonly resources = new Map<string, KubernetesManifest>();
  private readonly addresses = new Map<string, string>();
  private readonly emitTerraform: boolean;
  private readonly adopt: boolean;

  public constructor(scope: Construct, name: string, props: ColossusStackProps) {
    super(scope, name);
    this.emitTerraform = props.terraform ?? true;
    this.adopt = props.adopt ?? false;
    // The provider below pins a context; KUBE_* variables would silently replace it.
    if (this.emitTerraform) assertNoKubeOverrides();
    const kubeconfig = props.kubeconfig ?? DEFAULTS.kubernetes.kubeconfig;
    const backend = props.backend ?? { kind: 'local', path: `terraform.${name}.tfstate` };
    if (backend.kind === 'kubernetes') {
      new KubernetesBackend(this, {
        secretSuffix: stateSecretSuffix(name),
        namespace: backend.namespace,
        configPath: kubeconfig,
        configContext: props.kubeContext,
      });
    } else {
      // Declared explicitly: cdktf's default local backend writes an absolute path.
      new LocalBackend(this, { path: backend.path });
    }
    new KubernetesProvider(this, 'kubernetes', { configPath: kubeconfig, configContext: props.kubeContext });
    // Policies registered with addPolicy (on this stack or above it) check every object at synth.
    this.node.addValidation(policyValidation(this));
  }

  /** Takes an object; the same kind, namespace and name twice in one stack is an error. */
  public addObject(object: KubeObject, options: EmitOptions = {}): void {
    assertPlainValues(this.node.path, object);
    const key = objectKey(object);
    if (this.entries.has(key)) {
      throw new Error(
        `${this.node.path}: ${key} is declared twice; every object needs its own kind, namespace and name`,
      );
    }
    const address = terraformAddress(object);
    const clash = this.addresses.get(address);
    if (clash !== undefined) {
      throw new Error(
        `${this.node.path}: ${key} and ${clash} map to the same Terraform address "${address}"; rename one`,
      );
    }
    this.entries.set(key, { object, options });
    this.addresses.set(address, key);
    if (!this.emitTerraform) return;
    const ns = object.metadata.namespace;
    const namespaceResource = ns === undefined ? undefined : this.resources.get(`Namespace/${ns}`);
    const needed = (options.dependsOn ?? []).map((k) => {
      const found = this.resources.get(k);
      if (!found) throw new Error(`${this.node.path}: ${key} depends on ${k}, which is not added before it`);
      return found;
    });
    const resource = emitManifest(this, object, {
      preventDestroy: options.protectData,
      createBeforeDestroy: options.createBeforeDestroy,
      dependsOn: [...(namespaceResource ? [namespaceResource] : []), ...needed],
      adopt: this.adopt,
      importId: this.adopt ? manifestImportId(object) : undefined,
    });
    this.resources.set(key, resource);
    if (isNamespace(object)) {
      // Objects of this namespace added before it still wait for it.
      for (const [otherKey, entry] of this.entries) {
        const other = this.resources.get(otherKey);
        if (entry.object.metadata.namespace === object.metadata.name && other) other.dependsOn = [resource.fqn];
      }
    }
  }

  /** The stack's objects with their options, in insertion order. */
  public get stackObjects(): readonly StackObject[] {
    return [...this.entries.values()];
  }

  /** The stack's objects, in insertion order. */
  public get objects(): readonly KubeObject[] {
    return this.stackObjects.map((e) => e.object);
  }
}
