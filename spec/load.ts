/**
 * Reads a spec file, validates it completely (syntax, schema, semantics) and resolves it.
 * Every problem found is reported at once, located at file:line:column; nothing downstream
 * runs on a spec that has any.
 */
import * as fs from 'fs';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { GpuCatalog } from '../catalog/gpus';
import { Cluster } from '../model/cluster';
import { checkDocument } from './check-spec';
import { SpecError, SpecIssue, SpecPath } from './errors';
import { ClusterSpecDocument } from './types';

/** Spec files larger than this are refused before parsing. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/** A loaded, valid spec. */
export interface LoadedSpec {
  /** The document as written. */
  readonly document: ClusterSpecDocument;
  /** The resolved cluster, every default applied. */
  readonly cluster: Cluster;
}

/** Loads `file`; throws `SpecError` listing every problem. */
export function loadSpecFile(file: string, catalog: GpuCatalog = GpuCatalog.builtIn()): LoadedSpec {
  return parseSpec(readSpecText(file), file, catalog);
}

/** Validates and resolves spec text; `file` names it in messages. Throws `SpecError`. */
export function parseSpec(text: string, file: string, catalog: GpuCatalog = GpuCatalog.builtIn()): LoadedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    stringKeys: true,
    // Warnings (an unknown tag such as !js/function) are refused below, not printed.
    logLevel: 'error',
  });
  const fail = (issues: SpecIssue[]): never => {
    throw new SpecError(
      file,
      issues.map((i) => locate(i, doc, lineCounter)),
    );
  };
  if (doc.errors.length > 0 || doc.warnings.length > 0) {
    fail(
      [...doc.errors, ...doc.warnings].map((e) => {
        const start = lineCounter.linePos(e.pos[0]);
        const tag = e.code === 'TAG_RESOLVE_FAILED';
        return {
          code: e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : tag ? 'yaml-tag' : 'yaml-syntax',
          path: [],
          message: e.message.split('\n')[0],
          fix:
            e.code === 'DUPLICATE_KEY'
              ? 'keep one of the repeated keys'
              : tag
                ? 'remove the tag: a spec holds plain YAML values'
                : 'correct the YAML syntax at this position',
          line: start.line,
          column: start.col,
        };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    fail([
      {
        code: 'yaml-aliases',
        path: [],
        message: (e as Error).message,
        fix: 'write the values out instead of using many nested aliases',
      },
    ]);
  }
  if (value === null || value === undefined) {
    fail([
      {
        code: 'empty-spec',
        path: [],
        message: 'the file holds no document',
        fix: 'start from examples/lab.yaml',
        line: 1,
        column: 1,
      },
    ]);
  }
  // The same checks as a cluster composed in code (ColossusCluster); here their paths get file positions.
  const checked = checkDocument(value, catalog);
  if ('issues' in checked) return fail(checked.issues);
  return checked;
}

/** Reads a spec file, refusing what cannot be a spec with a clear message. */
export function readSpecText(file: string): string {
  const refuse = (message: string, fix: string): never => {
    throw new SpecError(file, [{ code: 'unreadable-file', path: [], message, fix }]);
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return refuse('no such file', 'check the path passed to --spec (or COLOSSUS_SPEC)');
  }
  if (stat.isDirectory()) refuse('is a directory, not a spec file', 'name the YAML file inside it');
  // Devices and pipes report no size and may never end (/dev/zero): only regular files are read.
  if (!stat.isFile()) refuse('is not a regular file', 'save the spec to a file and pass its path');
  if (stat.size > MAX_SPEC_BYTES) {
    refuse(
      `is ${stat.size} bytes, more than the ${MAX_SPEC_BYTES} a spec may have`,
      'split generated content out of the spec',
    );
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    return refuse(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'check the file permissions');
  }
}

/** Adds line and column to an issue from the YAML node its path points at. */
function locate(issue: SpecIssue, doc: Document, lines: LineCounter): SpecIssue {
  if (issue.line !== undefined) return issue;
  const range = rangeOf(doc.contents as Node | null, issue.path);
  if (range === undefined) return issue;
  const { line, col } = lines.linePos(range);
  return { ...issue, line, column: col };
}

/** Offset of the deepest node on `path`: the key for a mapping entry, so errors point at the field. */
function rangeOf(root: Node | null, path: SpecPath): number | undefined {
  let node: unknown = root;
  let offset = (root as Node | null)?.range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      node = node.items[segment];
      offset = (node as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}
