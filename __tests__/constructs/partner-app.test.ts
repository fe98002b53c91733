/**
 * The package as a partner gets it: `npm pack` of a copy of the project (its real prepack and
 * prepare scripts, so a clean build), then examples/partner-app installed from that tarball
 * offline (from the npm cache `npm ci` filled), compiled against the packed type declarations
 * with node16 resolution (so through the `exports` map), run, and its output checked.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from '../../index';
import { ROOT, tempDir } from '../support/synth';

const EXAMPLE = path.join(ROOT, 'examples', 'partner-app');

/** The child's environment: none of the npm variables of a surrounding `npm test`, but its cache and registry. */
function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_cafile']);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$)/i.test(k) || keep.has(k.toLowerCase())),
  );
  return { ...env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1', npm_config_update_notifier: 'false' };
}

/** Runs a command; on failure the error shows its output. */
function run(command: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** A regular file (not deleted, not a directory, not a symlink such as a linked node_modules). */
function isFile(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/** The project as a clone with the working tree's changes has it: tracked and unignored files. */
function copyProject(dest: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && !f.startsWith('examples/partner-app/') && isFile(path.join(ROOT, f)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dest, file));
  }
  // The build needs the project's dev dependencies; they are not part of the package.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
}

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly entryCount: number;
  readonly files: readonly { readonly path: string }[];
}

describe('the packed package in a partner app', () => {
  const started = Date.now();
  let work: string;
  let app: string;
  let pack: PackResult;
  let installFlags: string;

  beforeAll(() => {
    work = tempDir('colossus-partner-');
    const project = path.join(work, 'project');
    copyProject(project);
    [pack] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], project)) as PackResult[];
    // Same layout as the repository, so the example's `file:../../<tarball>` dependency resolves.
    app = path.join(work, 'examples', 'partner-app');
    fs.mkdirSync(app, { recursive: true });
    for (const f of ['package.json', 'tsconfig.json', 'main.ts'])
      fs.copyFileSync(path.join(EXAMPLE, f), path.join(app, f));
    const install = ['install', '--no-audit', '--no-fund', '--ignore-scripts'];
    try {
      run('npm', [...install, '--offline'], app);
      installFlags = '--offline';
    } catch (e) {
      // npm 11 resolves new dependencies from full registry metadata, which `npm ci` does not cache: on a
      // fresh CI machine the peers' metadata comes from the registry once; their tarballs still come from the cache.
      const reason = (e as Error).message.split('\n').find((l) => /npm error code/.test(l)) ?? 'no error code';
      process.stderr.write(`partner app: offline install failed (${reason.trim()}); retrying with --prefer-offline\n`);
      run('npm', [...install, '--prefer-offline'], app);
      installFlags = '--prefer-offline';
    }
    run(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app);
    run(process.execPath, ['dist/main.js'], app);
  }, 240_000);

  afterAll(() => {
    process.stderr.write(
      `partner app: ${pack?.filename} ${pack?.size} bytes, ${pack?.entryCount} files; installed ${installFlags}; ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('packs compiled JavaScript, declarations, the bin, the example specs, the schema and the docs, nothing else', () => {
    const paths = pack.files.map((f) => f.path);
    const allowed = [
      /^dist\/.+\.(js|d\.ts)$/,
      /^bin\/colossus\.js$/,
      /^examples\/[^/]+\.yaml$/,
      /^schema\/[^/]+\.json$/,
      /^(package\.json|README\.md|CHANGELOG\.md)$/,
    ];
    expect(paths.filter((p) => !allowed.some((re) => re.test(p)))).toEqual([]);
    expect(paths.filter((p) => /^dist\/(scripts\/|main\.|__tests__\/)/.test(p))).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'bin/colossus.js',
        'examples/colossus-1.yaml',
        'examples/lab.yaml',
        'schema/cluster.schema.json',
        'README.md',
        'CHANGELOG.md',
      ]),
    );
  });

  it('is what the example depends on, with cdktf, constructs and the kubernetes provider as exact peers', () => {
    const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
    expect(example.dependencies['colossus-cdktf']).toBe(`file:../../${pack.filename}`);
    const installed = JSON.parse(
      fs.readFileSync(path.join(app, 'node_modules', 'colossus-cdktf', 'package.json'), 'utf8'),
    );
    expect(installed.peerDependencies).toEqual({
      '@cdktf/provider-kubernetes': '12.1.1',
      cdktf: '0.21.0',
      constructs: '10.4.2',
    });
    for (const [name, version] of Object.entries(installed.peerDependencies)) {
      expect(example.dependencies[name]).toBe(version);
    }
  });

  it('resolves only the entry points of the exports map, from CommonJS and ES modules', () => {
    const resolve = (specifier: string) =>
      spawnSync(process.execPath, ['-p', `require.resolve(${JSON.stringify(specifier)})`], {
        cwd: app,
        encoding: 'utf8',
      });
    expect(resolve('colossus-cdktf').stdout.trim()).toBe(
      path.join(app, 'node_modules', 'colossus-cdktf', 'dist', 'index.js'),
    );
    expect(resolve('colossus-cdktf/schema/cluster.schema.json').status).toBe(0);
    const internal = resolve('colossus-cdktf/dist/stacks/policy');
    expect(internal.status).not.toBe(0);
    expect(internal.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    // An ES module app gets the named exports too.
    const esm = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { GpuCatalog } from 'colossus-cdktf'; console.log(GpuCatalog.builtIn().names().length)",
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(esm.stderr).toBe('');
    expect(Number(esm.stdout)).toBeGreaterThan(0);
  });

  it('synthesizes the added SKU pool, the custom storage driver and the tenant with its extra NetworkPolicy to Terraform and YAML', () => {
    const out = path.join(app, 'cdktf.out');
    const resources = (stack: string) =>
      JSON.parse(fs.readFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8')).resource
        .kubernetes_manifest as Record<string, { manifest: KubeObject }>;
    const platform = resources('acme-platform');
    expect(platform.resourceflavor_acme_rtx.manifest.spec).toEqual({
      nodeLabels: { 'colossus.node-restriction.kubernetes.io/pool': 'acme-rtx' },
      nodeTaints: [{ key: 'colossus.dev/dedicated', value: 'acme', effect: 'NoSchedule' }],
      tolerations: [{ key: 'colossus.dev/dedicated', operator: 'Equal', value: 'acme', effect: 'NoSchedule' }],
    });
    expect(platform.nvidiadriver_acme_rtx.manifest.spec).toMatchObject({ version: '580.95.05' });
    expect(platform.storageclass_acme_weka.manifest).toMatchObject({
      provisioner: 'csi.weka.io',
      parameters: { volumeType: 'dir/v1', filesystemName: 'acme' },
      reclaimPolicy: 'Retain',
    });

    const tenant = resources('acme-tenant-acme');
    const mirror = tenant.networkpolicy_acme_allow_model_mirror.manifest;
    expect(mirror.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'colossus-cdktf',
      'colossus.dev/tenant': 'acme',
    });
    // The volume on our storage driver is protected from `terraform destroy`.
    const raw = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'acme-tenant-acme', 'cdk.tf.json'), 'utf8'));
    const claim = raw.resource.kubernetes_manifest.persistentvolumeclaim_acme_checkpoints;
    expect(claim.manifest.spec.storageClassName).toBe('acme-weka');
    expect(claim.lifecycle).toEqual({
      prevent_destroy: true,
      replace_triggered_by: ['terraform_data.persistentvolumeclaim_acme_checkpoints_immutable'],
    });
    type Flavor = { name: string; resources: { name: string; nominalQuota: string }[] };
    const queue = tenant.clusterqueue_acme.manifest.spec as { resourceGroups: { flavors: Flavor[] }[] };
    const gpuQuota = queue.resourceGroups[0].flavors.map((f) => [
      f.name,
      f.resources.find((r) => r.name === 'nvidia.com/gpu')?.nominalQuota,
    ]);
    expect(gpuQuota).toEqual([['acme-rtx', '32']]);

    const manifests = path.join(out, 'manifests', 'acme-tenant-acme');
    const file = fs.readdirSync(manifests).find((f) => /^\d\d-networkpolicy\.yaml$/.test(f))!;
    const yaml = parseAllDocuments(fs.readFileSync(path.join(manifests, file), 'utf8')).map(
      (d) => d.toJS() as KubeObject,
    );
    expect(yaml.find((o) => o.metadata.name === 'allow-model-mirror')).toEqual(mirror);
  });

  it('fails synthesis when its policy rejects an object, naming the object, the policy and the reason', () => {
    const main = fs.readFileSync(path.join(app, 'dist', 'main.js'), 'utf8');
    const strict = main.replace("startsWith('acme')", "startsWith('beta')");
    expect(strict).not.toBe(main);
    fs.writeFileSync(path.join(app, 'dist', 'strict.js'), strict);
    const r = spawnSync(process.execPath, ['dist/strict.js'], { cwd: app, env: childEnv(), encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      '[acme-tenant-acme] error[policy-violation] NetworkPolicy/acme/allow-model-mirror violates policy "acme-namespaces-only": namespace "acme" is not acme\'s',
    );
    // A colossus error: never cdktf's hint to switch every check off, and nothing written.
    expect(r.stderr).not.toMatch(/skipValidation/);
    expect(r.stderr).toContain('nothing was written to cdktf.out');
    expect(fs.readdirSync(app).filter((f) => f.startsWith('cdktf.out.'))).toEqual([]);
  });

  it('writes a complete output that audit, report and diff read, and its data ledger beside the app', () => {
    const out = path.join(app, 'cdktf.out');
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'reports', 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      cluster: 'acme-lab',
      gpus: 32,
      pools: { 'acme-rtx': { gpu: 'RTX-PRO-6000-96GB', gpus: 32, dedicatedTo: 'acme' } },
      tenants: { acme: { external: true, namespaces: ['acme'], gpuQuota: { 'acme-rtx': 32 } } },
    });
    expect(summary.storage.protected.map((r: { kind: string; name: string }) => `${r.kind}/${r.name}`)).toEqual([
      'Namespace/acme',
      'PersistentVolumeClaim/checkpoints',
    ]);
    const ledger = JSON.parse(fs.readFileSync(path.join(app, 'acme-lab.protected.json'), 'utf8'));
    expect(ledger).toMatchObject({ cluster: 'acme-lab', tenants: ['acme'], protected: summary.storage.protected });
    const bin = path.join(app, 'node_modules', '.bin', 'colossus');
    expect(run(bin, ['audit', out], app)).toContain('audit passed');
    expect(run(bin, ['report', out], app)).toContain('acme-lab at a glance');
    expect(run(bin, ['diff', out, out], app)).toContain('No change');
  });

  it('ships the colossus command with its example specs', () => {
    const bin = path.join(app, 'node_modules', '.bin', 'colossus');
    const spec = path.join(app, 'node_modules', 'colossus-cdktf', 'examples', 'lab.yaml');
    expect(run(bin, ['validate', spec], app)).toContain('valid');
  });
});

describe('the README', () => {
  it('shows the example partner app line for line under "Reuse the constructs"', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Reuse the constructs'));
    expect(section).toBeDefined();
    const block = /```ts\n([\s\S]*?)```/.exec(section!)?.[1];
    expect(block).toBe(fs.readFileSync(path.join(EXAMPLE, 'main.ts'), 'utf8'));
  });
});
