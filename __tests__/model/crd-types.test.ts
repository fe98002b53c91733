/**
 * The committed custom-resource types (model/crds/) are what `npm run crd-types` generates from the pinned
 * upstream CRDs. Runs where ../shared/upstream-crds exists (as in CI); skips with a message elsewhere.
 */
import * as fs from 'fs';
import * as path from 'path';
import { availableCrdFolders, CRD_MODULES, crdsDir, renderCrdTypes } from '../../scripts/gen-crd-types';

const available = fs.existsSync(crdsDir());
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(`skipping the CRD type freshness test: no upstream CRDs at ${crdsDir()} (set COLOSSUS_CRDS_DIR)`);
}
const describeWithCrds = available ? describe : describe.skip;

describeWithCrds('generated custom-resource types', () => {
  // Rendered when the tests run, not when they are collected (collection happens even when skipped).
  let modules = new Map<string, string>();
  beforeAll(() => {
    modules = renderCrdTypes();
  });
  const generatedDir = path.join(__dirname, '..', '..', 'model', 'crds');

  // A copy of the CRDs without one of the folders (older than the module) cannot check it: say so, skip it.
  const present = available ? availableCrdFolders() : [];
  for (const [folder, name] of Object.entries(CRD_MODULES)) {
    const check = present.includes(folder) ? test : test.skip;
    const why = present.includes(folder) ? '' : ` (skipped: no ${folder}/ in ${crdsDir()})`;
    check(`model/crds/${name}.ts is current (run \`npm run crd-types\` if not)${why}`, () => {
      expect(fs.readFileSync(path.join(generatedDir, `${name}.ts`), 'utf8')).toBe(modules.get(name));
    });
  }

  test('no stale module is left in model/crds: every module is one of CRD_MODULES', () => {
    const committed = fs.readdirSync(generatedDir).map((f) => f.replace(/\.ts$/, ''));
    expect(committed.sort()).toEqual(Object.values(CRD_MODULES).sort());
  });

  test('a kind is typed by its storage version and omits status (the controller writes it)', () => {
    const kueue = modules.get('kueue')!;
    expect(kueue).toContain("readonly apiVersion: 'kueue.x-k8s.io/v1beta2';\n  readonly kind: 'ClusterQueue';");
    expect(kueue).not.toMatch(/^ {2}readonly status/m);
  });
});
