/** Writes schema/cluster.schema.json from spec/schema.ts (`npm run schema`). */
import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../cli/paths';
import { CLUSTER_SCHEMA } from '../spec/schema';

/** The published schema file's content (without the annotations that only generate the TypeScript types). */
export function renderSchema(): string {
  const published = (key: string, value: unknown) => (key.startsWith('x-ts-') ? undefined : value);
  return `${JSON.stringify(CLUSTER_SCHEMA, published, 2)}\n`;
}

if (require.main === module) {
  const file = path.join(packageRoot(), 'schema', 'cluster.schema.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, renderSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
