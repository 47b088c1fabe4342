import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/** The project's own CDK CLI on the project's cdk.json, offline, as an operator runs it. */
async function cdkSynth(...args: string[]) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'reelscope-synth-'));
  // No credentials and no account: what a fresh clone has.
  const { AWS_PROFILE: _profile, AWS_ACCESS_KEY_ID: _key, CDK_DEFAULT_ACCOUNT: _account, ...rest } = process.env;
  const env = { ...rest, CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_REGION: 'eu-west-1' };
  try {
    const { stdout, stderr } = await run('npx', ['cdk', 'synth', '--no-notices', '--quiet', '--output', outdir, ...args], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr, outdir };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`, outdir };
  }
}

describe('cdk synth', () => {
  it('synthesises the app from cdk.json with no AWS account, with cdk-nag and template validation passing', async () => {
    const { code, output, outdir } = await cdkSynth();

    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    expect(existsSync(path.join(outdir, 'Reelscope.template.json'))).toBe(true);
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    for (const plugin of report.pluginReports) expect({ plugin: plugin.pluginName, violations: plugin.violations }).toEqual({ plugin: plugin.pluginName, violations: [] });
  });

  it('refuses invalid settings with the setting named, before creating anything', async () => {
    const { code, output } = await cdkSynth('-c', 'reelscope={"worker":{"cpu":1024,"memoryMiB":16384}}');

    expect(code).not.toBe(0);
    expect(output).toMatch(/invalid reelscope context:[\s\S]*reelscope\.worker: memoryMiB must be a Fargate size/);
  });
});
