/**
 * The data ledger: the protected and retained objects of a cluster, kept beside its spec
 * (`<spec>.protected.json`) so that they are committed with it. The output directory is
 * git-ignored; a deploy from a fresh checkout or a CI runner must still know what an earlier
 * synth protected, or Terraform would destroy a volume the spec dropped (Terraform docs,
 * lifecycle meta-argument: removing a resource's configuration destroys it even with
 * prevent_destroy).
 */
import * as fs from 'fs';
import * as path from 'path';
import { DataRecord, sortRecords } from './retention';
import { DataRecordsError, isDataRecord } from './previous-output';

/** What a ledger holds. */
export interface DataLedger {
  /** The cluster the records belong to. */
  readonly cluster: string;
  /** Objects the last synth emitted with data protection. */
  readonly protected: readonly DataRecord[];
  /** Objects protected by an earlier synth and no longer declared: forgotten by Terraform, never destroyed. */
  readonly retained: readonly DataRecord[];
  /** Tenants whose stacks the last synth wrote: one that disappears without being offboarded is refused. */
  readonly tenants: readonly string[];
  /** Tenants being offboarded (`offboard: true`): they may leave the spec. */
  readonly offboarding: readonly string[];
}

/** The ledger file of a spec: `clusters/lab.yaml` keeps its records in `clusters/lab.protected.json`. */
export function ledgerFileFor(specFile: string): string {
  const parsed = path.parse(specFile);
  return path.join(parsed.dir, `${parsed.name}.protected.json`);
}

/** Reads a ledger; undefined when the file does not exist. A ledger that cannot be read is an error, never "nothing". */
export function readLedger(file: string): DataLedger | undefined {
  if (!fs.existsSync(file)) return undefined;
  const fail = (why: string): never => {
    throw new DataRecordsError(
      `${file}: ${why}; it records the volumes earlier synths protected. Restore it from version control, or delete it if nothing was ever applied`,
    );
  };
  let ledger: unknown;
  try {
    ledger = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(`cannot be read (${(e as Error).message})`);
  }
  const l = ledger as Partial<Record<keyof DataLedger, unknown>> | null;
  if (l === null || typeof l !== 'object' || typeof l.cluster !== 'string') fail('has no "cluster" name');
  const records = (list: 'protected' | 'retained'): DataRecord[] => {
    const items = l![list] ?? [];
    if (!Array.isArray(items) || !items.every(isDataRecord)) {
      fail(`"${list}" is not a list of records of stack, kind, name and terraformAddress`);
    }
    return items as DataRecord[];
  };
  const names = (list: 'tenants' | 'offboarding'): string[] => {
    const items = l![list] ?? [];
    if (!Array.isArray(items) || !items.every((t) => typeof t === 'string')) fail(`"${list}" is not a list of names`);
    return items as string[];
  };
  return {
    cluster: l!.cluster as string,
    protected: records('protected'),
    retained: records('retained'),
    tenants: names('tenants'),
    offboarding: names('offboarding'),
  };
}

/** The ledger's text: sorted records, stable bytes, so a commit shows only what changed. */
export function renderLedger(ledger: DataLedger): string {
  const body = {
    '//': 'Written by colossus synth: the data this cluster protects. Commit it with the spec; synths read it so that no volume is lost.',
    cluster: ledger.cluster,
    tenants: [...ledger.tenants].sort(),
    offboarding: [...ledger.offboarding].sort(),
    protected: sortRecords(ledger.protected),
    retained: sortRecords(ledger.retained),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Writes the ledger atomically (temporary file, then rename), and only when its content changed. */
export function writeLedger(file: string, ledger: DataLedger): boolean {
  const text = renderLedger(ledger);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return false;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  return true;
}
