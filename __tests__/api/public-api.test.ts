/**
 * The public API is exactly what api/public-api.txt lists, and every part of it is documented.
 * To change the API on purpose: `npm run api` rewrites the report; commit it with the change.
 */
import * as fs from 'fs';
import { apiReport, missingDocs, REPORT_FILE, unexportedTypes } from '../../scripts/api-report';

describe('public API', () => {
  const approved = fs.readFileSync(REPORT_FILE, 'utf8');
  const current = apiReport();

  it('exports exactly the approved symbols and class members (fails when something is exported by accident)', () => {
    const lines = (text: string) => new Set(text.trim().split('\n'));
    const added = [...lines(current)].filter((l) => !lines(approved).has(l));
    const removed = [...lines(approved)].filter((l) => !lines(current).has(l));
    expect({ added, removed }).toEqual({ added: [], removed: [] });
    expect(current).toBe(approved);
  });

  it('documents every exported symbol and member, with @default on every optional prop', () => {
    expect(missingDocs()).toEqual([]);
  });

  it('exports every project type a public declaration refers to', () => {
    expect(unexportedTypes()).toEqual([]);
  });

  it('exports the constructs, spec loader, catalog, emitters and policy hook at runtime', () => {
    const api = require('../../index') as Record<string, unknown>;
    const runtime = Object.keys(api).sort();
    const reported = current
      .split('\n')
      .filter((l) => /^(class|function|const) /.test(l))
      .map((l) => l.split(' ')[1])
      .sort();
    expect(runtime).toEqual(reported);
    for (const name of ['GpuNodePool', 'Tenant', 'ColossusStack', 'buildClusterStacks', 'loadSpecFile', 'parseSpec']) {
      expect(typeof api[name]).toBe('function');
    }
    for (const name of ['SpecError', 'GpuCatalog', 'renderManifests', 'synthesize', 'terraformAddress', 'addPolicy']) {
      expect(typeof api[name]).toBe('function');
    }
  });
});
