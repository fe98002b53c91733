/**
 * The spec contract has one hand-written source, spec/schema.ts: the TypeScript types, the defaults, the
 * published JSON Schema and the README reference are generated from it (`npm run schema`), and no resolver
 * keeps a default of its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderSchema } from '../../scripts/gen-schema';
import { withSpecReference } from '../../scripts/gen-spec-docs';
import { generateSpecContract, SPEC_DEFAULTS_FILE, SPEC_TYPES_FILE } from '../../scripts/gen-spec-types';
import { DEFAULTS } from '../../spec/defaults';
import { JsonSchema } from '../../spec/schema';
import { tsType } from '../../spec/schema-annotations';
import { ROOT } from '../support/synth';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the files generated from spec/schema.ts', () => {
  it('are current (run `npm run schema` after changing the schema)', () => {
    const { types, defaults } = generateSpecContract();
    const readme = read('README.md');
    const generated: Record<string, string> = {
      [SPEC_TYPES_FILE]: types,
      [SPEC_DEFAULTS_FILE]: defaults,
      [path.join('schema', 'cluster.schema.json')]: renderSchema(),
      'README.md': withSpecReference(readme),
    };
    const stale = Object.entries(generated)
      .filter(([file, text]) => read(file) !== text)
      .map(([file]) => `${file} is stale: run \`npm run schema\``);
    expect(stale).toEqual([]);
  });

  it('keep the annotations that only generate types out of the published JSON Schema', () => {
    expect(renderSchema()).not.toContain('x-ts-');
    expect(renderSchema()).toContain('"x-fix"');
  });
});

describe('the type generator', () => {
  const object = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  });
  const doc = (properties: Record<string, JsonSchema>, required?: string[]) => ({
    ...object(properties, required),
    ...tsType('Doc', 'A document.'),
  });

  it('writes readonly fields, literal unions, readonly arrays and maps, and @default from default or "Default:"', () => {
    const { types, defaults } = generateSpecContract(
      doc(
        {
          level: {
            ...tsType('Level', 'A level.'),
            type: 'string',
            enum: ['a', 'b'],
            description: 'How.',
            default: 'a',
          },
          sizes: { type: 'array', items: { type: 'integer', enum: [1, 2] }, description: 'Sizes. Default: none.' },
          quota: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Quota.' },
          inner: { ...object({ port: { type: 'integer', description: 'Port.', default: 80 } }), description: 'In.' },
        },
        ['quota', 'inner'],
      ),
    );
    expect(types).toContain("export type Level = 'a' | 'b';");
    expect(types).toContain('  /**\n   * How.\n   * @default "a"\n   */\n  readonly level?: Level;');
    expect(types).toContain('   * Sizes.\n   * @default - none\n   */\n  readonly sizes?: readonly (1 | 2)[];');
    expect(types).toContain('  readonly quota: Readonly<Record<string, number>>;');
    expect(types).toContain('    readonly port?: number;\n  };');
    expect(defaults).toContain("doc: {\n    level: 'a',\n    inner: {\n      port: 80,\n    },\n  },");
    expect(defaults).toContain("export const LEVELS: readonly Level[] = ['a', 'b'];");
  });

  it('refuses an optional field that does not say what it defaults to', () => {
    expect(() => generateSpecContract(doc({ size: { type: 'integer', description: 'Size.' } }))).toThrow(
      'size: optional without a default or a "Default: ..." sentence in its description',
    );
  });

  it('refuses two different schemas under one type name', () => {
    const a = { ...tsType('Port', 'A port.'), type: 'integer' as const, description: 'A.' };
    expect(() => generateSpecContract(doc({ a, b: { ...a, type: 'string' } }, ['a', 'b']))).toThrow(
      'b: two different schemas are named Port',
    );
    // The same schema described differently where it is used is one type.
    expect(() => generateSpecContract(doc({ a, b: { ...a, description: 'B.' } }, ['a', 'b']))).not.toThrow();
  });
});

describe('the defaults', () => {
  /** Source files that read the spec: not the generated contract, the tests, or review/ (it reads synth output). */
  const sources = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) {
        return ['node_modules', 'dist', '__tests__', 'cdktf.out', 'examples', 'docs', '.git', 'review'].includes(e.name)
          ? []
          : sources(rel);
      }
      return e.name.endsWith('.ts') && !/^spec\/(types|defaults)\.ts$/.test(rel) ? [rel] : [];
    });

  it('are written nowhere but in the schema: no `field ?? <its default>` in the source', () => {
    const leaves: [string, unknown][] = [];
    const walk = (tree: object) =>
      Object.entries(tree).forEach(([k, v]) => (typeof v === 'object' ? walk(v) : leaves.push([k, v])));
    walk(DEFAULTS);
    const copies = sources('.').flatMap((file) => {
      const text = read(file);
      return leaves
        .filter(([field, value]) => {
          const literal = typeof value === 'string' ? `'${value}'` : String(value);
          const escaped = literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          return new RegExp(`\\b${field}\\s*\\?\\?\\s*${escaped}(?![\\w.])`).test(text);
        })
        .map(([field, value]) => `${file}: ${field} ?? ${JSON.stringify(value)}`);
    });
    expect(copies).toEqual([]);
  });

  it("derive a tenant's namespaces in one place (spec/derived-defaults.ts)", () => {
    const rederived = sources('.').filter(
      (file) => file !== path.join('spec', 'derived-defaults.ts') && /namespaces \?\? \[/.test(read(file)),
    );
    expect(rederived).toEqual([]);
  });
});
