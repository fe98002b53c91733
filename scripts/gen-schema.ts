/** Writes schema/cluster.schema.json from spec/schema.ts (`npm run schema`). */
import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../cli/paths';
import { CLUSTER_SCHEMA } from '../spec/schema';

/** The published schema file's content. */
export function renderSchema(): string {
  return `${JSON.stringify(CLUSTER_SCHEMA, null, 2)}\n`;
}

if (require.main === module) {
  const file = path.join(packageRoot(), 'schema', 'cluster.schema.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, renderSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
