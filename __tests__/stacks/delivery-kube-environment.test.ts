/** KUBE_* overrides (issue 19 item 7): a synth refuses to run rather than let one cluster receive every stack. */
import * as fs from 'fs';
import * as path from 'path';
import { assertNoKubeOverrides, KUBE_OVERRIDE_VARIABLES, kubeOverridesIn } from '../../stacks/kube-environment';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/synth';

describe('KUBE_* overrides (terraform-provider-kubernetes v2.38.0 manifest/provider/configure.go os.LookupEnv)', () => {
  it('names exactly the 15 variables configure.go lets override the provider block', () => {
    expect([...KUBE_OVERRIDE_VARIABLES].sort()).toEqual(
      [
        'KUBE_CLIENT_CERT_DATA',
        'KUBE_CLIENT_KEY_DATA',
        'KUBE_CLUSTER_CA_CERT_DATA',
        'KUBE_CONFIG_PATH',
        'KUBE_CONFIG_PATHS',
        'KUBE_CTX',
        'KUBE_CTX_AUTH_INFO',
        'KUBE_CTX_CLUSTER',
        'KUBE_HOST',
        'KUBE_INSECURE',
        'KUBE_PASSWORD',
        'KUBE_PROXY_URL',
        'KUBE_TLS_SERVER_NAME',
        'KUBE_TOKEN',
        'KUBE_USERNAME',
      ].sort(),
    );
  });

  it('ignores empty values, as configure.go does (`ok && value != ""`), and unrelated variables', () => {
    expect(kubeOverridesIn({ KUBE_CTX: '', KUBECONFIG: '/x', KUBE_EDITOR: 'vi', HOME: '/h' })).toEqual([]);
    expect(() => assertNoKubeOverrides({ KUBE_CTX: '' })).not.toThrow();
    expect(kubeOverridesIn({ KUBE_HOST: 'https://10.0.0.1:6443', KUBE_CTX: 'other' })).toEqual([
      'KUBE_HOST',
      'KUBE_CTX',
    ]);
  });

  it('refuses with the variables and the fix named', () => {
    expect(() => assertNoKubeOverrides({ KUBE_CTX: 'prod-2' })).toThrow(
      /KUBE_CTX is set: .*override every stack's kubeconfig context.*unset KUBE_CTX/,
    );
  });

  it.each(['KUBE_CTX', 'KUBE_HOST', 'KUBE_CONFIG_PATH'])(
    '`colossus synth` with %s set fails and writes nothing',
    (name) => {
      const out = path.join(tempDir(), 'out');
      process.env[name] = 'elsewhere';
      try {
        const r = runCli(['synth', '--spec', 'examples/lab.yaml', '--out', out]);
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain(`${name} is set`);
        expect(fs.existsSync(out)).toBe(false);
      } finally {
        delete process.env[name];
      }
    },
  );

  it('a YAML-only synth writes no provider and does not refuse', () => {
    const out = path.join(tempDir(), 'out');
    process.env.KUBE_CTX = 'elsewhere';
    try {
      expect(runCli(['synth', '--spec', 'examples/lab.yaml', '--out', out, '--emit', 'yaml']).code).toBe(0);
    } finally {
      delete process.env.KUBE_CTX;
    }
  });
});
