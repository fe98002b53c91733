/**
 * The one synth pipeline. `colossus synth`, the cdktf app (`main.ts`, what `cdktf synth` and
 * `cdktf deploy` run) and apps composed from the constructs all synthesize through ColossusApp:
 *
 * 1. before anything is written: the output must be replaceable, and the protected data of the
 *    last synth is read (the ledger beside the spec, the output's summary, or `--previous`),
 *    but only records of the same cluster;
 * 2. every construct validation runs first and a failure is one error naming each construct
 *    path, code and fix (cdktf would write some stacks, then suggest `skipValidation`);
 * 3. cdktf synthesizes into a fresh sibling directory; the manifests, helmfile, summary and data
 *    records join it; then it replaces the output whole, under a lock. A stack or manifest the
 *    app no longer produces cannot survive, and a failure leaves the previous output untouched.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { IConstruct } from 'constructs';
import { Filesystem } from '../constructs/filesystem';
import { GpuNodePool } from '../constructs/gpu-node-pool';
import { Tenant } from '../constructs/tenant';
import { TenantStorage } from '../constructs/tenant-storage';
import { objectSizeSummary } from '../day2/object-size';
import { Cluster } from '../model/cluster';
import { buildSummary, poolFigures, StackSummary, Summary, SUMMARY_FILE, tenantFigures } from '../reports/summary';
import { ClusterStacks, workloadClusterOf } from '../stacks/cluster-stacks';
import { ColossusStack } from '../stacks/colossus-stack';
import { retainRemovedData, storageSummaryOf } from '../stacks/data-retention';
import { planStorage, storagePlanner } from '../storage/planner';
import { planOf } from '../model/planner';
import { addPolicy, ObjectPolicy } from '../stacks/policy';
import { prepareAll } from '../stacks/prepare';
import { readLedger, writeLedger } from '../storage/data-ledger';
import { resolveStorage } from '../storage/model';
import { readPreviousSummary } from '../storage/previous-output';
import { DataRecord, sortRecords } from '../storage/retention';
import { writeDeliveryFiles, writeHelmfiles } from './delivery-files';
import { assertReplaceableOutput } from './output-guard';
import { lockOutput, swapInOutput, writeFile } from './output';
import { writeManifests } from './write-manifests';

/** Which emitters a synth runs: Terraform JSON (`stacks/`), YAML manifests (`manifests/`) or both. */
export type EmitTarget = 'terraform' | 'yaml' | 'both';

/** Props of a ColossusApp. */
export interface ColossusAppProps {
  /** Name of the cluster the app declares: its summary and its data records belong to it. */
  readonly cluster: string;
  /**
   * Output directory; it is replaced whole by each synth.
   * @default - `CDKTF_OUTDIR` (set by the cdktf CLI), else "cdktf.out"
   */
  readonly outdir?: string;
  /**
   * Outputs to write; `reports/` is always written.
   * @default "both"
   */
  readonly emit?: EmitTarget;
  /**
   * Policies every object must pass (see `addPolicy`); a violation fails the synth and writes nothing.
   * @default - none
   */
  readonly policies?: readonly ObjectPolicy[];
  /**
   * Summary (`reports/summary.json`) of the last synth whose protected data must not be lost, when it was
   * written elsewhere (a review job synthesizing base and head into two directories, say). It must be of the same cluster.
   * @default - `<outdir>/reports/summary.json`, when it is of the same cluster
   */
  readonly previousSummary?: string;
  /**
   * The data ledger: a file, committed with the app or spec, recording what the cluster protects. Each synth
   * reads it (so a fresh checkout still knows) and rewrites it. False keeps records in the output only.
   * @default - `<cluster>.protected.json` in the working directory
   */
  readonly dataRecords?: string | false;
  /**
   * Refuse to replace the output of another cluster. Set when the spec was chosen implicitly (cdktf.json), so
   * that a deploy never silently switches clusters.
   * @default false
   */
  readonly sameClusterOnly?: boolean;
}

/** A synth refused because constructs of the app are invalid; nothing was written. */
export class AppSynthError extends Error {
  public constructor(
    /** Output directory that was left as it was. */
    public readonly outdir: string,
    /** Each problem: the construct path and its message (with its `error[code]` and fix). */
    public readonly problems: readonly {
      /** Path of the construct. */
      readonly path: string;
      /** What is wrong, with its `error[code]` and fix. */
      readonly message: string;
    }[],
  ) {
    super(
      [
        `${problems.length} problem${problems.length === 1 ? '' : 's'} in the app; nothing was written to ${outdir}`,
        ...problems.map((p) => `[${p.path}] ${withCode(p.message)}`),
      ].join('\n'),
    );
    this.name = 'AppSynthError';
  }
}

/** A path as the user would write it: relative below the working directory, absolute elsewhere. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Gives a message without a colossus code one, with its fix. */
function withCode(message: string): string {
  if (/error\[[a-z0-9-]+\]/.test(message)) return message.trim();
  if (/ violates policy "/.test(message)) {
    return `error[policy-violation] ${message}\n  fix: change the object so that it complies, or the policy`;
  }
  return `error[invalid-construct] ${message}\n  fix: correct the construct at this path`;
}

/**
 * A synth refused because of what earlier synths left: an output or records of another cluster, a
 * tenant gone without offboarding. Nothing was written.
 */
export class RefusedSynthError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'RefusedSynthError';
  }
}

/** What an app built from a spec adds to its output: the resolved cluster, its stacks and the spec as named. */
interface SpecOrigin {
  readonly cluster: Cluster;
  readonly stacks: ClusterStacks;
  readonly specPath?: string | null;
}

const SPEC_ORIGIN = new WeakMap<ColossusApp, SpecOrigin>();

/**
 * Marks `app` as built from the resolved spec `cluster` into `stacks`: its summary gets power, fabric and
 * object sizes, and its output the helmfile, DEPLOY.md, the state namespace and the Flux units.
 */
export function fromSpec(
  app: ColossusApp,
  cluster: Cluster,
  stacks: ClusterStacks,
  options: { readonly specPath?: string | null } = {},
): void {
  SPEC_ORIGIN.set(app, { cluster, stacks, specPath: options.specPath });
}

/** Each app's output directory as the user named it (`target` is resolved), for messages that name it. */
const NAMED_OUTDIR = new WeakMap<ColossusApp, string>();

/** The output directory of `app` as the user named it (`--out out` is `out`, where `app.target` is absolute). */
export function namedOutdir(app: ColossusApp): string {
  return NAMED_OUTDIR.get(app) ?? app.target;
}

/**
 * A cdktf App whose `synth()` writes one complete colossus output, atomically: Terraform per stack,
 * YAML manifests, helmfile (from a spec), `reports/summary.json` and the data records, so that
 * `colossus audit`, `diff` and `report` read it, and data the app no longer declares is kept.
 */
export class ColossusApp extends App {
  /** The output directory, as resolved; cdktf writes into a sibling temporary directory first. */
  public readonly target: string;
  /** The cluster the app declares. */
  public readonly cluster: string;
  /** Protected objects recorded by earlier synths of this cluster; those no longer declared are retained. */
  public readonly previousData: readonly DataRecord[];
  /** Tenants earlier synths of this cluster wrote stacks for, and those they were offboarding. */
  public readonly previousTenants: {
    /** Tenants with a stack. */
    readonly active: ReadonlySet<string>;
    /** Tenants being offboarded (their stacks empty). */
    readonly offboarding: ReadonlySet<string>;
  };
  /** Whether any earlier record of this cluster was found: a ledger, or a summary of the same cluster. */
  public readonly foundRecords: boolean;
  /** What the synth wants the user to know (an output of another cluster replaced, records written). */
  public readonly notes: string[];
  private readonly props: ColossusAppProps;
  private readonly fresh: string;
  private readonly ledgerFile?: string;
  private readonly onExit: () => void;
  private result?: Summary;

  public constructor(props: ColossusAppProps) {
    const named = props.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
    assertReplaceableOutput(named);
    const target = path.resolve(named);
    const ledgerFile =
      props.dataRecords === false ? undefined : path.resolve(props.dataRecords ?? `${props.cluster}.protected.json`);
    const notes: string[] = [];
    const previous = readPrevious(props, target, named, ledgerFile, notes);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const fresh = fs.mkdtempSync(`${target}.tmp-`);
    super({ outdir: fresh, stackTraces: false, skipValidation: true });
    this.props = props;
    this.target = target;
    NAMED_OUTDIR.set(this, named);
    this.cluster = props.cluster;
    this.previousData = previous.records;
    this.previousTenants = { active: previous.tenants, offboarding: previous.offboarding };
    this.foundRecords = previous.found;
    this.notes = notes;
    this.fresh = fresh;
    this.ledgerFile = ledgerFile;
    // An app that throws before synth() leaves no temporary directory behind.
    this.onExit = () => fs.rmSync(fresh, { recursive: true, force: true });
    process.once('exit', this.onExit);
    for (const policy of props.policies ?? []) addPolicy(this, policy);
  }

  /** The summary the last `synth()` wrote. */
  public get summary(): Summary {
    if (!this.result) throw new Error('ColossusApp.summary is read before synth()');
    return this.result;
  }

  /** Drops what was prepared for an output that will not be written. */
  public discard(): void {
    this.onExit();
    process.removeListener('exit', this.onExit);
  }

  /** Validates every construct, then writes the complete output and replaces the old one; on failure, writes nothing. */
  public override synth(): void {
    const release = lockOutput(this.target);
    try {
      // Constructs that build once everything is declared (a ColossusCluster's stacks) build now.
      prepareAll(this);
      const problems = this.node
        .findAll()
        .flatMap((c) => c.node.validate().map((message) => ({ path: c.node.path || '(app)', message })));
      if (problems.length > 0) throw new AppSynthError(shown(this.target), problems);
      const stacks = this.node.findAll().filter((c): c is ColossusStack => c instanceof ColossusStack);
      const retained = retainRemovedData(stacks, this.previousData);
      super.synth();
      const emit = this.props.emit ?? 'both';
      if (emit === 'yaml') {
        // The stacks still synthesize (provider and backend only); a YAML-only output holds no Terraform.
        fs.rmSync(path.join(this.fresh, 'stacks'), { recursive: true, force: true });
        fs.rmSync(path.join(this.fresh, 'manifest.json'), { force: true });
      }
      if (emit !== 'terraform') writeManifests(this.fresh, stacks);
      const origin = SPEC_ORIGIN.get(this);
      const cluster = origin?.cluster;
      if (origin) {
        // DEPLOY.md, the kubernetes backend's namespace, the Flux units.
        writeDeliveryFiles(this.fresh, origin.cluster, origin.stacks, {
          yaml: emit !== 'terraform',
          specPath: origin.specPath,
        });
      }
      if (origin && emit !== 'terraform') writeHelmfiles(this.fresh, origin.cluster, origin.stacks);
      const summary = cluster
        ? specSummary(cluster, stacks, retained, this.fresh)
        : constructSummary(this, stacks, retained, this.fresh);
      writeFile(path.join(this.fresh, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
      if (this.ledgerFile) {
        const records = summary.storage ?? { protected: [], retained: [] };
        writeLedger(this.ledgerFile, {
          cluster: this.cluster,
          protected: records.protected,
          retained: records.retained,
          tenants: Object.keys(summary.tenants),
          offboarding: summary.offboarding ?? [],
        });
      }
      swapInOutput(this.target, this.fresh, keepTerraformWorkdirs);
      process.removeListener('exit', this.onExit);
      this.result = summary;
    } catch (e) {
      this.discard();
      throw e;
    } finally {
      release();
    }
  }
}

/**
 * The data records earlier synths of this cluster left: the ledger, the output's summary (or
 * `previousSummary`), merged. A summary of another cluster is not read (and, with
 * `sameClusterOnly`, the output it describes is not replaced).
 */
function readPrevious(
  props: ColossusAppProps,
  target: string,
  named: string,
  ledgerFile: string | undefined,
  notes: string[],
): { records: DataRecord[]; tenants: Set<string>; offboarding: Set<string>; found: boolean } {
  const records: DataRecord[] = [];
  let found = false;
  const tenants = new Set<string>();
  const offboarding = new Set<string>();
  const done = () => ({ records: sortRecords(records), tenants, offboarding, found });
  if (ledgerFile) {
    const ledger = readLedger(ledgerFile);
    if (ledger && ledger.cluster !== props.cluster) {
      throw new RefusedSynthError(
        `${shown(ledgerFile)} records the data of cluster "${ledger.cluster}", not "${props.cluster}"; ` +
          `a renamed cluster gets new stacks and state. Keep metadata.name "${ledger.cluster}", or move the ledger aside once cluster "${ledger.cluster}" is destroyed`,
      );
    }
    found ||= ledger !== undefined;
    records.push(...(ledger?.protected ?? []), ...(ledger?.retained ?? []));
    ledger?.tenants.forEach((t) => tenants.add(t));
    ledger?.offboarding.forEach((t) => offboarding.add(t));
  }
  if (props.previousSummary !== undefined) {
    const previous = readPreviousSummary(props.previousSummary);
    if (previous.cluster !== props.cluster) {
      throw new RefusedSynthError(
        `${props.previousSummary} is the summary of cluster "${previous.cluster}", not "${props.cluster}"; name the reports/summary.json of the last synth of "${props.cluster}"`,
      );
    }
    found = true;
    records.push(...previous.records);
    previous.tenants.forEach((t) => tenants.add(t));
    previous.offboarding.forEach((t) => offboarding.add(t));
    return done();
  }
  const summaryFile = path.join(target, SUMMARY_FILE);
  if (fs.existsSync(summaryFile)) {
    const previous = readPreviousSummary(summaryFile);
    if (previous.cluster === props.cluster) {
      found = true;
      records.push(...previous.records);
      previous.tenants.forEach((t) => tenants.add(t));
      previous.offboarding.forEach((t) => offboarding.add(t));
    } else if (props.sameClusterOnly) {
      throw new RefusedSynthError(
        `${named} holds the stacks of cluster "${previous.cluster}", but this run synthesizes "${props.cluster}". ` +
          `To deploy "${previous.cluster}", name its spec the way it was synthesized (COLOSSUS_SPEC=<its spec> npx cdktf deploy ..., or in cdktf.json context.colossusSpec). ` +
          `To switch this project to "${props.cluster}", remove ${named} first (data records live beside each spec)`,
      );
    } else {
      notes.push(
        `${named} held cluster "${previous.cluster}"; it is replaced by "${props.cluster}", whose data records come from its own ledger only`,
      );
    }
  }
  return done();
}

/**
 * Terraform's working directory and lock file of every stack that is still synthesized move into the
 * new output. Under the cdktf CLI, a stack the app no longer produces leaves an empty directory: the
 * CLI listed the stack directories before running the app and removes those it did not get back with
 * `fs.rmSync` without `force` (cdktf-cli v0.21.0 `synth-stack.ts`, "orphanedDirectories"), which fails
 * on a directory that is already gone. It only runs the app with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS.
 */
function keepTerraformWorkdirs(old: string, fresh: string): void {
  const stacks = path.join(fresh, 'stacks');
  if (!fs.existsSync(stacks)) return;
  const oldStacks = path.join(old, 'stacks');
  if (process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined && fs.existsSync(oldStacks)) {
    for (const stack of fs.readdirSync(oldStacks)) fs.mkdirSync(path.join(stacks, stack), { recursive: true });
  }
  for (const stack of fs.readdirSync(stacks)) {
    for (const kept of ['.terraform', '.terraform.lock.hcl']) {
      const from = path.join(old, 'stacks', stack, kept);
      if (fs.existsSync(from)) fs.renameSync(from, path.join(stacks, stack, kept));
    }
  }
}

function stackFigures(stacks: readonly ColossusStack[], outdir: string): Record<string, StackSummary> {
  return Object.fromEntries(
    stacks.map((s) => [
      s.node.id,
      { terraformResources: countResources(outdir, s.node.id), objects: s.objects.length },
    ]),
  );
}

/** Resources in the stack's synthesized cdk.tf.json (0 when Terraform emission is off). */
function countResources(outdir: string, stack: string): number {
  const file = path.join(outdir, 'stacks', stack, 'cdk.tf.json');
  if (!fs.existsSync(file)) return 0;
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

function specSummary(
  cluster: Cluster,
  stacks: readonly ColossusStack[],
  retained: readonly DataRecord[],
  outdir: string,
): Summary {
  const storage = storageSummaryOf(planOf(cluster, storagePlanner).plan, stacks, retained);
  return {
    ...buildSummary(cluster, stackFigures(stacks, outdir)),
    ...(storage ? { storage } : {}),
    objectSizes: objectSizeSummary(
      stacks.map((s) => ({ cluster: workloadClusterOf(s) ?? cluster, objects: s.objects })),
    ),
  };
}

/** The summary of an app composed from the constructs: its pools, tenants, stacks and storage, read from the constructs. */
function constructSummary(
  app: ColossusApp,
  stacks: readonly ColossusStack[],
  retained: readonly DataRecord[],
  outdir: string,
): Summary {
  const all: IConstruct[] = app.node.findAll();
  const pools = all.filter((c): c is GpuNodePool => c instanceof GpuNodePool).map((c) => c.pool);
  const tenants = all.filter((c): c is Tenant => c instanceof Tenant).map((c) => c.tenant);
  const storage = storageSummaryOf(
    planStorage({
      storage: {
        ...resolveStorage({ tenants: [] }),
        filesystems: all.filter((c): c is Filesystem => c instanceof Filesystem).map((c) => c.filesystem),
        shares: all.filter((c): c is TenantStorage => c instanceof TenantStorage).flatMap((c) => c.shares),
      },
      tenants,
    }),
    stacks,
    retained,
  );
  return {
    cluster: app.cluster,
    gpus: pools.reduce((n, p) => n + p.gpus, 0),
    pools: poolFigures(pools),
    tenants: tenantFigures(tenants),
    stacks: stackFigures(stacks, outdir),
    ...(storage ? { storage } : {}),
  };
}
