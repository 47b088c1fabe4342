import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

const SOURCE = join(__dirname, 'src');
/** Where `npm run build:portal` writes when given no folder (git-ignored). */
const DEFAULT_OUT = join(__dirname, 'dist');
const BUILT_FILE = /^(index\.html|app-[A-Za-z0-9]+\.(js|css))$/;

/**
 * Bundles the portal into `outDir`: `app-<hash>.js` and `app-<hash>.css` (content-hashed, so
 * they can be cached for ever) and the `index.html` that names them (served uncached).
 */
export async function buildPortal(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  // Only what an earlier build wrote: the folder is the caller's, and may hold anything else.
  for (const name of await readdir(outDir)) if (BUILT_FILE.test(name)) await rm(join(outDir, name));
  const result = await build({
    entryPoints: { app: join(SOURCE, 'main.tsx'), style: join(SOURCE, 'style.css') },
    entryNames: 'app-[hash]',
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
  const script = outputs.find((name) => name.endsWith('.js'));
  const style = outputs.find((name) => name.endsWith('.css'));
  if (!script || !style) throw new Error(`the portal build wrote no script or stylesheet (${outputs.join(', ')})`);
  await writeFile(join(outDir, 'index.html'), indexHtml(script, style));
}

function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reelscope</title>
<link rel="stylesheet" href="/portal/assets/${style}">
<script type="module" src="/portal/assets/${script}"></script>
</head>
<body><main id="app"><p>Loading…</p></main></body>
</html>
`;
}

if (require.main === module) {
  const outDir = resolve(process.argv[2] ?? DEFAULT_OUT);
  buildPortal(outDir).then(
    () => console.log(`portal built in ${outDir}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

