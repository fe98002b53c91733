/**
 * Writes the YAML manifests of stacks to disk: `<outdir>/manifests/<stack>/NN-<kind>.yaml`, the
 * layout `colossus synth` produces, for apps that compose the constructs without a spec.
 */
import * as path from 'path';
import { ColossusStack } from '../stacks/colossus-stack';
import { writeFile } from './output';
import { renderManifests } from './yaml';

/**
 * Writes each stack's objects as YAML under `<outdir>/manifests/<stack id>/`.
 * @returns the files written, relative to `outdir`, with `/` separators, in stack then apply order
 */
export function writeManifests(outdir: string, stacks: readonly ColossusStack[]): string[] {
  const written: string[] = [];
  for (const stack of stacks) {
    for (const [file, content] of renderManifests(stack.objects)) {
      const relative = path.posix.join('manifests', stack.node.id, file);
      writeFile(path.join(outdir, relative), content);
      written.push(relative);
    }
  }
  return written;
}
