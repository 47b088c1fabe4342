/**
 * Builds the production workflow bundle once, at image build time, so a worker never runs
 * webpack when it starts (seconds of CPU and a few hundred MB on every task launch).
 *   npm run build:bundle [out file]   (default dist/workflow-bundle.js)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec/codec-config';

export const DEFAULT_BUNDLE_PATH = join(__dirname, '..', 'dist', 'workflow-bundle.js');

export async function buildWorkflowBundle(outPath: string = DEFAULT_BUNDLE_PATH): Promise<{ path: string; bytes: number }> {
  // A workflow converts the failures it throws inside its bundle, so the bundle carries the
  // converter that encodes their message and stack: with payload keys set they are encrypted
  // like every payload; without, they are stored as a plain payload any client still reads.
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), failureConverterPath: FAILURE_CONVERTER_PATH });
  await mkdir(dirname(outPath), { recursive: true });
  await writeFile(outPath, code);
  return { path: outPath, bytes: Buffer.byteLength(code) };
}

if (require.main === module) {
  buildWorkflowBundle(process.argv[2] ? resolve(process.argv[2]) : undefined)
    .then(({ path, bytes }) => console.log(`workflow bundle: ${path} (${(bytes / 1024).toFixed(0)} KiB)`))
    .catch((err: unknown) => {
      console.error('bundle failed:', err);
      process.exit(1);
    });
}
