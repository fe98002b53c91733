/** Where the package's own files are, whether running from source or from dist/. */
import * as fs from 'fs';
import * as path from 'path';

/** Root directory of the colossus-cdktf package. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'examples'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the colossus-cdktf package root');
    dir = parent;
  }
  return dir;
}

/** The built-in example spec (examples/colossus-1.yaml). */
export function builtInExample(): string {
  return path.join(packageRoot(), 'examples', 'colossus-1.yaml');
}
