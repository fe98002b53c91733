/**
 * Validates core Kubernetes objects against the kubernetes-types definitions (generated from
 * the Kubernetes OpenAPI): each object is written as a typed TypeScript literal and compiled,
 * so unknown fields (excess properties) and wrong types are rejected by the compiler.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { KubeObject } from '../../model/kube';
import { compileInMemory } from './compile-in-memory';

/** kubernetes-types module of an apiVersion: `networking.k8s.io/v1` -> `networking/v1`. */
function moduleOf(apiVersion: string): string {
  if (!apiVersion.includes('/')) return `core/${apiVersion}`;
  const [group, version] = apiVersion.split('/');
  return `${group.split('.')[0]}/${version}`;
}

const CORE_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'policy',
  'admissionregistration.k8s.io',
  'flowcontrol.apiserver.k8s.io',
]);

/**
 * kubernetes-types 1.30 drops the fields NamedRuleWithOperations inlines from RuleWithOperations
 * (`resources`, `scope`), which the API requires; restore them so valid policies compile.
 */
const TYPE_FIXES = `declare module 'kubernetes-types/admissionregistration/v1' {
  interface NamedRuleWithOperations { resources?: Array<string>; scope?: string }
}`;

/** Whether an apiVersion belongs to Kubernetes itself (not a CRD). */
export function isCoreApi(apiVersion: string): boolean {
  return CORE_GROUPS.has(apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
}

/** Compiler errors of the objects as typed literals; empty when all are valid. */
export function validateCoreObjects(objects: readonly KubeObject[]): string[] {
  const root = path.resolve(__dirname, '..', '..');
  const file = path.join(root, '__core_check__.ts');
  const lines: string[] = [];
  const owner: string[] = [];
  objects.forEach((o, i) => {
    const text = `const o${i}: import('kubernetes-types/${moduleOf(o.apiVersion)}').${o.kind} = ${JSON.stringify(o)};`;
    lines.push(text);
    owner.push(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  });
  if (objects.some((o) => o.apiVersion.startsWith('admissionregistration.k8s.io/'))) lines.push(TYPE_FIXES);
  lines.push('export {};');
  const source = lines.join('\n');
  const diagnostics = compileInMemory(new Map([[file, source]]), { baseUrl: root });
  return diagnostics.map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    return `${owner[line] ?? '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
