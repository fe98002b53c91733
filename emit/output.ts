/**
 * Atomic output: a synth writes into a fresh sibling directory and swaps it in only when
 * everything succeeded, under a lock so that concurrent synths never mix their files.
 */
import * as fs from 'fs';
import * as path from 'path';

/** How long a synth waits for another one writing the same output directory. */
const LOCK_TIMEOUT_MS = 120_000;

/**
 * Runs `write(tmpDir)` and, if it returns, replaces `outDir` with what it wrote. If it throws,
 * `outDir` is left exactly as it was and the partial output is removed.
 */
export function writeAtomically<T>(outDir: string, write: (tmpDir: string) => T): T {
  const target = path.resolve(outDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const release = acquireLock(`${target}.lock`);
  const tmp = fs.mkdtempSync(`${target}.tmp-`);
  try {
    const result = write(tmp);
    swapInOutput(target, tmp);
    return result;
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    release();
  }
}

/** Locks the output directory `outDir` against other synths; returns the release. */
export function lockOutput(outDir: string): () => void {
  return acquireLock(`${path.resolve(outDir)}.lock`);
}

/**
 * Replaces `outDir` with the complete output in `fresh` (a sibling directory), under the caller's
 * lock. `carry(old, fresh)` runs first and may move files the new output keeps (Terraform's
 * working directories).
 */
export function swapInOutput(outDir: string, fresh: string, carry?: (old: string, fresh: string) => void): void {
  const target = path.resolve(outDir);
  const hadOutput = fs.existsSync(target);
  const old = `${fresh}.old`;
  if (hadOutput) {
    carry?.(target, fresh);
    fs.renameSync(target, old);
  }
  fs.renameSync(fresh, target);
  if (hadOutput) fs.rmSync(old, { recursive: true, force: true });
}

/** Takes a directory lock (mkdir is atomic), waiting for a live holder and breaking a dead one's. */
function acquireLock(lockDir: string): () => void {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (holderIsDead(lockDir)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${lockDir} is held by another synth for more than ${LOCK_TIMEOUT_MS / 1000}s; remove it if no synth is running`,
        );
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

function holderIsDead(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    // Lock being created right now, or left without a pid: treat as live unless it is old.
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs > 10_000;
    } catch {
      return true;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Writes `content` to `file`, creating its directory. */
export function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
