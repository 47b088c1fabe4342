import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { searchAttributeFlags } from '../../local/temporal-dev-server';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { loadWorkerConfig } from '../../worker/config';

const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}

/** No Docker engine here: the compose file and Dockerfile are checked by reading them. */
describe('docker-compose.yml', () => {
  // Compose resolves YAML merge keys (`<<: *anchor`); YAML 1.2 parsers need asking.
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const { services } = compose;

  it('runs a self-hosted cluster (PostgreSQL, schema, server, setup, UI), the stores and the worker', () => {
    expect(Object.keys(services).sort()).toEqual(['postgresql', 'stores', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker']);
    for (const [name, service] of Object.entries(services)) {
      if (service.image) expect({ name, pinned: /:[\w.-]+$/.test(service.image) && !service.image.endsWith(':latest') }).toEqual({ name, pinned: true });
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(services)).toContain(dependency);
    }
    const uiVersion = services['temporal-ui']!.image!.split(':')[1]!.split('.').map(Number);
    expect(uiVersion[0]! * 100 + uiVersion[1]!).toBeGreaterThanOrEqual(238);
  });

  it('starts in order: schema before server, setup before worker, healthy stores before worker', () => {
    expect(services['temporal']!.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(services['temporal-setup']!.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    expect(services['worker']!.depends_on).toEqual({
      'temporal-setup': { condition: 'service_completed_successfully' },
      stores: { condition: 'service_healthy' },
    });
  });

  it('registers every search attribute the workflow upserts, with its type', () => {
    const script = (services['temporal-setup']!.command as string[]).join('\n');
    const registered = /for attribute in ([^;]+);/.exec(script)?.[1]?.trim().split(/\s+/).sort();
    const expected = searchAttributeFlags().filter((flag) => flag !== '--search-attribute').sort();
    expect(registered).toEqual(expected);
  });

  it('serves the stores from their own image target, so the stand-ins never ship in the worker image', () => {
    expect(services['stores']!.build).toEqual({ context: '.', target: 'stores' });
    expect(services['stores']!.image).not.toBe(services['worker']!.image);
  });

  it('gives the worker a configuration its own validation accepts, pointing at the compose services', () => {
    const env = services['worker']!.environment!;
    const config = loadWorkerConfig(env);
    expect(env['TEMPORAL_ADDRESS']).toBe('temporal:7233');
    expect(config.aws.s3Endpoint).toBe('http://stores:4569');
    expect(config.aws.dynamoDbEndpoint).toBe('http://stores:4567');
    expect(config.bucket).toBe(services['stores']!.environment!['REELSCOPE_BUCKET']);
    expect(config.tables.records).toBe(services['stores']!.environment!['REELSCOPE_RECORDS_TABLE']);
    // docker stop's SIGKILL must come after the drain.
    expect(Number.parseInt(services['worker']!.stop_grace_period!, 10)).toBeGreaterThan(config.tuning.shutdownGraceSeconds);
  });

  it('mounts files that exist', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./') && !source.startsWith('./media')) expect(existsSync(join(ROOT, source))).toBe(true);
      }
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => /^[A-Z]+ /.test(line));

  it('is multi-stage, prebuilds the workflow bundle and points the worker at it', () => {
    expect(instructions.filter((i) => i.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    expect(instructions.some((i) => i.startsWith('RUN ') && i.includes('npm run build'))).toBe(true);
    expect(dockerfile).toMatch(/REELSCOPE_WORKFLOW_BUNDLE=\/app\/dist\/workflow-bundle\.js/);
    const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(packageJson.scripts['build']).toContain('build-workflow-bundle');
  });

  it('runs as a non-root user with ffmpeg, a health check and an init that forwards SIGTERM', () => {
    const user = instructions.filter((i) => i.startsWith('USER ')).pop();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER (root|0)\b/);
    expect(dockerfile).toMatch(/apt-get install[^\n]*ffmpeg/);
    expect(instructions.some((i) => i.startsWith('HEALTHCHECK ') && i.includes('/healthz'))).toBe(true);
    expect(instructions.find((i) => i.startsWith('ENTRYPOINT '))).toContain('tini');
  });

  it('copies only sources that exist, and keeps node_modules and local data out of the context', () => {
    for (const copy of instructions.filter((i) => i.startsWith('COPY ') && !i.includes('--from='))) {
      const sources = copy.split(/\s+/).slice(1, -1).filter((part) => !part.startsWith('--'));
      for (const source of sources) expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
    }
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', '.data', '.tools', 'dist']) expect(ignored).toContain(entry);
  });
});

describe('production workflow bundle', () => {
  it('carries the failure converter that encodes workflow failures, so keys encrypt them too', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'reelscope-bundle-')), 'workflow-bundle.js');

    await buildWorkflowBundle(out);

    const code = readFileSync(out, 'utf8');
    expect(code).toContain('codec/failure-converter');
    expect(code).toMatch(/encodeCommonAttributes:\s*true/);
  }, 120_000);
});
