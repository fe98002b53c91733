/**
 * colossus-cdktf: declare a multi-tenant GPU cluster as code, from a YAML spec or by composing
 * the constructs in your own cdktf app.
 *
 * This file is the whole public API (`import ... from 'colossus-cdktf'`); everything not exported
 * here is internal and may change in any release. `api/public-api.txt` lists it, and a test fails
 * when the two differ.
 * @packageDocumentation
 */

// A whole cluster in code: one construct owning its pools, tenants and filesystems, which refer to each
// other by object; built and checked through the same path as a YAML spec.
export { ClusterFilesystem, ClusterPool, ClusterTenant, ColossusCluster } from './stacks/colossus-cluster';
export type {
  ClusterPoolProps,
  ClusterTenantProps,
  ColossusClusterProps,
  GpuGrant,
  StorageShareProps,
} from './stacks/colossus-cluster';

// Constructs: compose a cluster in code, without the YAML spec. A storage driver of your own is a
// Filesystem with its CSI driver and parameters.
export { GpuNodePool } from './constructs/gpu-node-pool';
export type { GpuNodePoolProps, NodeTaint } from './constructs/gpu-node-pool';
export { Tenant } from './constructs/tenant';
export type { TenantProps } from './constructs/tenant';
export { sinkOf } from './constructs/object-sink';
export type { EmitOptions, ObjectSink } from './constructs/object-sink';
export { Filesystem } from './constructs/filesystem';
export type { FilesystemProps } from './constructs/filesystem';
export { TenantGuards } from './constructs/tenant-guards';
export { TenantStorage } from './constructs/tenant-storage';
export type { TenantStorageProps } from './constructs/tenant-storage';
export { ColossusStack } from './stacks/colossus-stack';
export type { ColossusStackProps, StackBackend, StackObject } from './stacks/colossus-stack';
export { buildClusterStacks } from './stacks/cluster-stacks';
export type { ClusterStacks, ClusterStacksOptions, WorkloadStacks } from './stacks/cluster-stacks';

// Policy hook: reject synthesized objects with a clear message.
export { addPolicy } from './stacks/policy';
export type { ObjectPolicy } from './stacks/policy';

// Spec loader: the YAML contract, its validation and the resolved model.
export { loadSpecFile, parseSpec } from './spec/load';
export type { LoadedSpec } from './spec/load';
export { SpecError } from './spec/errors';
export type { SpecIssue, SpecPath } from './spec/errors';
export type {
  BackendSpec,
  CduSpec,
  CellLayoutSpec,
  CellManagerSpec,
  CellsSpec,
  CheckpointSpec,
  CoolantSpec,
  ClusterSpec,
  ClusterSpecDocument,
  FabricKind,
  FabricSpec,
  FabricSwitchSpec,
  FilesystemKind,
  FilesystemSpec,
  FacilityWaterSpec,
  HallSpec,
  KubernetesSpec,
  ManagementSpec,
  NodePoolSpec,
  ObjectQuotaSpec,
  CpuArchitecture,
  OperationsSpec,
  OrbitalSpec,
  OsImageSpec,
  PodSecurityLevel,
  RackProfileSpec,
  RolloutSpec,
  SiteKind,
  SiteSpec,
  TenantPriority,
  TenantSpec,
  TenantStorageSpec,
  TenantVolumeSpec,
  VolumePurpose,
  WaterClass,
  WaterSpec,
} from './spec/types';
export type { Cluster, NodePool, Operations, Site, Tenant as ResolvedTenant } from './model/cluster';
export type { ClusterStorage, Filesystem as ResolvedFilesystem, StorageShare, Volume } from './storage/model';
export type { DataRecord } from './storage/retention';

// Kubernetes objects, as every construct produces and every emitter consumes them.
export { build, LABELS } from './model/kube';
export type { Identity as ObjectIdentity, KubeObject, ObjectMeta } from './model/kube';

// GPU catalog: add a SKU with `GpuCatalog.builtIn().withSku(...)`.
export { GpuCatalog } from './catalog/gpus';
export type { GpuSku, RackProfile } from './catalog/gpus';

// The synth pipeline every path shares: a complete output (stacks, manifests, reports, data records), atomically.
export { AppSynthError, ColossusApp, RefusedSynthError } from './emit/colossus-app';
export type { ColossusAppProps } from './emit/colossus-app';

// Emitters: Terraform JSON, YAML manifests or both.
export { synthesize } from './emit/synthesize';
export type { EmitTarget, SynthOptions } from './emit/synthesize';
export { renderManifests } from './emit/yaml';
export { writeManifests } from './emit/write-manifests';
export { terraformAddress } from './emit/terraform';
export type { StackSummary, Summary } from './reports/summary';
export type { ClaimSummary, FilesystemSummary, StorageSummary } from './storage/summary';
export type { PowerSummary, ProvisioningSummary } from './power/summary';
export type {
  FacilitySummary,
  HallSummary,
  OrbitalSiteSummary,
  OrbitalSummary,
  OrbitalYearSummary,
  SiteFacilitySummary,
} from './site/summary';
export type { FabricSummary } from './fabric/summary';
export type { FabricFigures } from './fabric/sizing';
export type { OperationsSummary, PoolOperations } from './day2/summary';
export type { WavePlan } from './day2/waves';
export type { ObjectSizeSummary, SizedObject } from './day2/object-size';
export type { CellsSummary } from './reports/summary';
export type { CellReport } from './cells/analysis';
export type { EnvelopeFigures, EnvelopeFinding, LargestObject } from './cells/envelope';
export type { ControlPlaneTuning } from './cells/control-plane';
