/** The `colossus admit` command: reads workload files, predicts admission, prints a table or JSON. */
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from '../model/kube';
import { admitOnSite, AdmitResult, WorkloadInput } from './admit';
import { loadSiteView } from './cluster-view';

/** Exit code when some workload would be denied. */
export const EXIT_DENIED = 2;

/** Reads the objects of the YAML files (multi-document); throws naming a file that is missing or not YAML. */
export function readWorkloadFiles(files: readonly string[]): WorkloadInput[] {
  return files.flatMap((file) => {
    if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    return docs.flatMap((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      const object = doc.toJS() as KubeObject | null;
      return object && typeof object === 'object' && object.kind ? [{ file, object }] : [];
    });
  });
}

/** One line per pod set, then every reason; the verdict first. */
export function formatAdmitTable(results: readonly AdmitResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(
      `${r.admitted ? 'ADMITTED' : 'DENIED  '} ${r.kind}/${r.name} in ${r.namespace} (tenant ${r.tenant ?? '-'}, cell ${r.cell}, ClusterQueue ${r.clusterQueue ?? '-'}) from ${r.file}`,
    );
    for (const ps of r.podSets) {
      lines.push(
        `  pod set ${ps.name}: ${ps.pods} pods -> flavor ${ps.flavor ?? '-'}, node group ${ps.nodeGroup ?? '-'}` +
          (ps.nodes !== undefined ? `, ${ps.nodes} nodes` : '') +
          (ps.borrows ? ' (borrowing from the cohort)' : ''),
      );
    }
    for (const reason of r.reasons) lines.push(`  reason: ${reason}`);
  }
  const denied = results.filter((r) => !r.admitted).length;
  lines.push(`${results.length - denied} admitted, ${denied} denied`);
  return lines.join('\n');
}

/** Runs admit; returns the exit code (0 all admitted, 2 something denied). */
export function admitCommand(
  outdir: string,
  namespace: string,
  files: readonly string[],
  format: 'table' | 'json',
  io: { out: (s: string) => void },
): number {
  const site = loadSiteView(outdir);
  const inputs = readWorkloadFiles(files);
  const results = admitOnSite(site, namespace, inputs);
  if (results.length === 0)
    throw new Error(
      `no workload (${['Job', 'JobSet', 'TrainJob', 'LeaderWorkerSet', 'Deployment', 'Pod'].join(', ')}) in ${files.join(', ')}`,
    );
  io.out(format === 'json' ? JSON.stringify(results, null, 2) : formatAdmitTable(results));
  return results.every((r) => r.admitted) ? 0 : EXIT_DENIED;
}
