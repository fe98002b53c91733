/** Runs the `colossus` command in-process (captured output) or as the real bin (a child process). */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { run } from '../../cli/main';
import { ROOT } from './synth';

/** What a command run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `run(args)` with stdout and stderr captured. */
export function runCli(args: readonly string[]): CliResult {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Runs `node bin/colossus.js args` (needs `npm run build`) in `cwd`. */
export function runBin(args: readonly string[], cwd = ROOT, env: NodeJS.ProcessEnv = process.env): CliResult {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'colossus.js'), ...args], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Whether the compiled CLI exists (tests of the real bin skip without a build). */
export function binBuilt(): boolean {
  return fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'));
}

/** Every file under `dir` with its content, keyed by relative path. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else files.set(child, fs.readFileSync(path.join(dir, child), 'utf8'));
    }
  };
  walk('');
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** A JS stack trace line, which users must never see. */
export const STACK_TRACE = /^\s+at .+(\(|:\d+:\d+)/m;
