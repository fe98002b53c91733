/**
 * The public API report: every symbol the package entry point exports, with its kind, and the
 * public members of exported classes. `api/public-api.txt` holds the approved report; a test
 * fails when they differ, so nothing becomes public by accident. `npm run api` rewrites it.
 *
 * Also finds exported symbols and members without TSDoc, and optional props without `@default`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** Repository root: this file runs from scripts/ under ts-jest and from dist/scripts/ when built. */
const ROOT =
  [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')].find((d) =>
    fs.existsSync(path.join(d, 'index.ts')),
  ) ?? process.cwd();

/** The entry point whose exports are the public API. */
export const ENTRY = path.join(ROOT, 'index.ts');

/** The approved report. */
export const REPORT_FILE = path.join(ROOT, 'api', 'public-api.txt');

interface Api {
  readonly checker: ts.TypeChecker;
  readonly exports: readonly { readonly name: string; readonly symbol: ts.Symbol }[];
}

function load(entry: string): Api {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const program = ts.createProgram([entry], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry} is not a module`);
  const exports = checker
    .getExportsOfModule(moduleSymbol)
    .map((s) => ({
      name: s.getName(),
      symbol: s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { checker, exports };
}

function kindOf(symbol: ts.Symbol): string {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Variable) return 'const';
  return 'other';
}

/** Declared in this project, not inherited from cdktf or constructs. */
function isOwn(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => !d.getSourceFile().fileName.includes('/node_modules/'));
}

function isPublic(symbol: ts.Symbol): boolean {
  const flags = (symbol.declarations ?? []).map((d) => ts.getCombinedModifierFlags(d));
  return flags.every((f) => !(f & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)));
}

/** Public members of an exported class (static ones marked), own declarations only. */
function classMembers(checker: ts.TypeChecker, symbol: ts.Symbol): string[] {
  const instance = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol));
  const statics = checker
    .getPropertiesOfType(checker.getTypeOfSymbol(symbol))
    .filter((s) => s.getName() !== 'prototype');
  return [
    ...statics.filter((s) => isOwn(s) && isPublic(s)).map((s) => `static ${s.getName()}`),
    ...instance.filter((s) => isOwn(s) && isPublic(s)).map((s) => s.getName()),
  ].sort();
}

/** The report: one line per export (`kind name`), classes followed by their public members. */
export function apiReport(entry: string = ENTRY): string {
  const { checker, exports } = load(entry);
  const lines = exports.flatMap(({ name, symbol }) => {
    const kind = kindOf(symbol);
    const members = kind === 'class' ? classMembers(checker, symbol).map((m) => `  ${name}.${m}`) : [];
    return [`${kind} ${name}`, ...members];
  });
  return `${lines.join('\n')}\n`;
}

function documented(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim().length > 0;
}

/** Calls `visit` for each property of an object type written inline (`{ host: string }`) within `node`. */
function forEachInlineMember(
  checker: ts.TypeChecker,
  node: ts.Node | undefined,
  at: string,
  visit: (member: ts.Symbol, where: string) => void,
): void {
  if (!node || isHidden(node)) return;
  if (!ts.isTypeLiteralNode(node)) {
    ts.forEachChild(node, (child) => forEachInlineMember(checker, child, at, visit));
    return;
  }
  for (const member of node.members) {
    if (!ts.isPropertySignature(member)) continue;
    const where = `${at}.${member.name.getText()}`;
    const symbol = checker.getSymbolAtLocation(member.name);
    if (symbol) visit(symbol, where);
    forEachInlineMember(checker, member.type, where, visit);
  }
}

/**
 * Exported symbols, the own members of exported classes and interfaces (inherited ones
 * included) and the properties of object types written inline in them, that lack TSDoc;
 * optional ones without a `@default` tag.
 */
export function missingDocs(entry: string = ENTRY): string[] {
  const { checker, exports } = load(entry);
  const problems: string[] = [];
  const seen = new Set<ts.Symbol>();
  const check = (member: ts.Symbol, where: string) => {
    if (seen.has(member)) return;
    seen.add(member);
    if (!documented(checker, member)) problems.push(`${where}: no TSDoc comment`);
    const optional = (member.flags & ts.SymbolFlags.Optional) !== 0;
    if (optional && !member.getJsDocTags(checker).some((t) => t.name === 'default')) {
      problems.push(`${where}: optional without @default`);
    }
  };
  for (const { name, symbol } of exports) {
    if (!documented(checker, symbol)) problems.push(`${name}: no TSDoc comment`);
    const kind = kindOf(symbol);
    const members =
      kind === 'class' || kind === 'interface'
        ? checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)).filter((m) => isOwn(m) && isPublic(m))
        : [];
    for (const member of members) check(member, `${name}.${member.getName()}`);
    const typeNodes: [ts.Node, string][] = [
      ...(kind === 'type' ? (symbol.declarations ?? []).map((d): [ts.Node, string] => [d, name]) : []),
      ...members.flatMap((m) => (m.declarations ?? []).map((d): [ts.Node, string] => [d, `${name}.${m.getName()}`])),
    ];
    for (const [node, at] of typeNodes) forEachInlineMember(checker, node, at, check);
  }
  return problems;
}

/** The name a type reference, heritage clause or `typeof` query refers to, if the node is one. */
function referencedName(node: ts.Node): ts.Node | undefined {
  if (ts.isTypeReferenceNode(node)) return node.typeName;
  if (ts.isExpressionWithTypeArguments(node)) return node.expression;
  if (ts.isTypeQueryNode(node)) return node.exprName;
  return undefined;
}

/** Parts of a declaration a consumer never sees: bodies, initializers, and private or protected members. */
function isHidden(node: ts.Node): boolean {
  if (ts.isBlock(node)) return true;
  const isMember = ts.isClassElement(node) || ts.isParameter(node);
  return (
    isMember &&
    (ts.getCombinedModifierFlags(node as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !==
      0
  );
}

/**
 * Project types that exported declarations refer to but the entry point does not export: a
 * consumer receives them without being able to name them, and the reference omits them.
 */
export function unexportedTypes(entry: string = ENTRY): string[] {
  const { checker, exports } = load(entry);
  const exported = new Set(exports.map((e) => e.symbol));
  const problems = new Set<string>();
  const visit = (node: ts.Node, referrer: string): void => {
    if (isHidden(node)) return;
    const name = referencedName(node);
    let symbol = name && checker.getSymbolAtLocation(name);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const isType = symbol && symbol.flags & (ts.SymbolFlags.Type & ~ts.SymbolFlags.TypeParameter);
    if (symbol && isType && isOwn(symbol) && !exported.has(symbol)) {
      const file = path.relative(ROOT, symbol.declarations![0].getSourceFile().fileName);
      problems.add(`${symbol.getName()} (${file}) is referenced by ${referrer} but not exported`);
    }
    ts.forEachChild(node, (child) => visit(child, referrer));
  };
  for (const { name, symbol } of exports) {
    for (const declaration of symbol.declarations ?? []) {
      if (ts.isVariableDeclaration(declaration)) {
        if (declaration.type) visit(declaration.type, name);
      } else {
        visit(declaration, name);
      }
    }
  }
  return [...problems].sort();
}

if (require.main === module) {
  const report = apiReport();
  fs.mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
  fs.writeFileSync(REPORT_FILE, report);
  process.stdout.write(`wrote ${path.relative(ROOT, REPORT_FILE)} (${report.trim().split('\n').length} lines)\n`);
  const problems = [...missingDocs(), ...unexportedTypes()];
  problems.forEach((p) => process.stderr.write(`${p}\n`));
  process.exitCode = problems.length ? 1 : 0;
}
