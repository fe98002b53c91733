/**
 * How tenant data is kept: the annotations GitOps tools honour so that they never prune or
 * delete an object (Terraform's `prevent_destroy` is set by the stack for objects added with
 * `protectData`).
 */
import { finalize, KubeObject } from '../model/kube';

/** Argo CD: never prune the object, nor delete it with its Application. */
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Flux kustomize-controller: never garbage-collect the object. */
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
/** Helm: keep the object on uninstall and upgrade. */
export const HELM_RESOURCE_POLICY = 'helm.sh/resource-policy';

/** Annotations every object holding tenant data carries. */
export const KEEP_ANNOTATIONS: Readonly<Record<string, string>> = {
  [ARGOCD_SYNC_OPTIONS]: 'Prune=false,Delete=false',
  [FLUX_PRUNE]: 'disabled',
  [HELM_RESOURCE_POLICY]: 'keep',
};

/** `object` with the keep annotations added. */
export function withKeepAnnotations(object: KubeObject): KubeObject {
  return finalize({
    ...object,
    metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, ...KEEP_ANNOTATIONS } },
  });
}
