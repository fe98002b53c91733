/**
 * Compiles TypeScript sources held in memory, beside the project's files (so their imports resolve), with the
 * strict options the project builds with: what the test suites that check types by compiling share.
 */
import * as path from 'path';
import * as ts from 'typescript';

/** Pre-emit diagnostics of `sources` (absolute file name -> text); `options` adds to the strict defaults. */
export function compileInMemory(
  sources: ReadonlyMap<string, string>,
  options: ts.CompilerOptions = {},
): readonly ts.Diagnostic[] {
  const compilerOptions: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    types: [],
    skipLibCheck: true,
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    ...options,
  };
  const host = ts.createCompilerHost(compilerOptions);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const source = sources.get(path.resolve(name));
    return source !== undefined ? ts.createSourceFile(name, source, lang) : read(name, lang, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => sources.has(path.resolve(name)) || fileExists(name);
  return ts.getPreEmitDiagnostics(ts.createProgram([...sources.keys()], compilerOptions, host));
}
