/**
 * Reads what the previous synth protected from `<out>/reports/summary.json`. It must be read before
 * the new output replaces the old one (emit/synthesize.ts swaps the directory atomically).
 */
import * as fs from 'fs';
import * as path from 'path';
import { SUMMARY_FILE } from '../reports/summary';
import { DataRecord } from './retention';

/** Records of protected data that cannot be read: the synth stops rather than forget what was protected. */
export class DataRecordsError extends Error {
  public constructor(
    message: string,
    /** The named file does not exist. */
    public readonly missing = false,
  ) {
    super(message);
    this.name = 'DataRecordsError';
  }
}

/**
 * The protected and retained objects recorded by the synth that wrote `outdir`; none when it holds
 * no summary (a first synth).
 */
export function readPreviousDataRecords(outdir: string): DataRecord[] {
  const file = path.join(outdir, SUMMARY_FILE);
  return fs.existsSync(file) ? readDataRecords(file) : [];
}

/**
 * The protected and retained objects a synth summary records. A summary that cannot be read is an
 * error: guessing "nothing was protected" could let Terraform destroy a volume.
 */
export function readDataRecords(file: string): DataRecord[] {
  return readPreviousSummary(file).records;
}

/** What a synth summary says about the cluster it wrote. */
export interface PreviousSummary {
  /** The cluster it belongs to. */
  readonly cluster?: string;
  /** Protected and retained objects. */
  readonly records: DataRecord[];
  /** Tenants it wrote stacks for. */
  readonly tenants: string[];
  /** Tenants it was offboarding. */
  readonly offboarding: string[];
}

/** The cluster a synth summary belongs to and the protected and retained objects it records. */
export function readPreviousSummary(file: string): PreviousSummary {
  if (!fs.existsSync(file)) {
    throw new DataRecordsError(
      `${file}: no such file; name the reports/summary.json of the last synth that was applied`,
      true,
    );
  }
  const fail = (why: string): never => {
    throw new DataRecordsError(
      `${file}: ${why}; it records the volumes the last synth protected. Restore it (from version control or the last synth), or delete it if that output was never applied`,
    );
  };
  let summary: unknown;
  try {
    summary = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(`cannot be read (${(e as Error).message})`);
  }
  const s = summary as { cluster?: unknown; tenants?: unknown; offboarding?: unknown; storage?: unknown } | null;
  const named = typeof s?.cluster === 'string' ? s.cluster : undefined;
  const tenants = s?.tenants !== null && typeof s?.tenants === 'object' ? Object.keys(s.tenants) : [];
  const offboarding = Array.isArray(s?.offboarding) ? s.offboarding.filter((t) => typeof t === 'string') : [];
  const base = { cluster: named, tenants, offboarding };
  const storage = s?.storage;
  if (storage === undefined) return { ...base, records: [] };
  const records: DataRecord[] = [];
  for (const list of ['protected', 'retained'] as const) {
    const items = (storage as Record<string, unknown>)[list] ?? [];
    if (!Array.isArray(items)) fail(`storage.${list} is not a list`);
    (items as unknown[]).forEach((item, i) => {
      if (!isDataRecord(item)) fail(`storage.${list}[${i}] is not a record of stack, kind, name and terraformAddress`);
      records.push(item as DataRecord);
    });
  }
  return { ...base, records };
}

/** Whether `x` has the fields of a DataRecord. */
export function isDataRecord(x: unknown): x is DataRecord {
  if (x === null || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  const optional = (v: unknown) => v === undefined || typeof v === 'string';
  return (
    ['stack', 'kind', 'name', 'terraformAddress'].every((k) => typeof r[k] === 'string') &&
    optional(r.namespace) &&
    optional(r.tenant)
  );
}
