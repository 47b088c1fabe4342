import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join, relative } from 'node:path';

const OUTPUT_DIR = join(__dirname, '..', '..', 'docs', 'benchmarks');

export interface BenchMachine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  /** The machine is shared (other test runs, other benches): its load says how much to trust a run. */
  loadAverage1m: { before: number; after: number };
}

export interface BenchOutput {
  /** Writes `docs/benchmarks/<name>.json`: date, machine, command, then the figures; returns the repository path. */
  write(figures: Record<string, unknown>): Promise<string>;
}

/**
 * The machine-readable twin of a benchmark's markdown tables, one file per script, so runs
 * can be compared. Call at the start of the run: the date and the load before are taken then.
 */
export function benchOutput(name: string): BenchOutput {
  const started = new Date();
  const loadBefore = loadavg()[0]!;
  return {
    async write(figures) {
      const machine: BenchMachine = {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        os: await osName(),
        loadAverage1m: { before: loadBefore, after: loadavg()[0]! },
      };
      const path = join(OUTPUT_DIR, `${name}.json`);
      await mkdir(OUTPUT_DIR, { recursive: true });
      await writeFile(path, `${JSON.stringify({ command: benchCommand(), date: started.toISOString(), machine, ...figures }, null, 2)}\n`);
      const shown = relative(join(__dirname, '..', '..'), path);
      console.log(`\nfigures written to ${shown}`);
      return shown;
    },
  };
}

/** The command as typed: `npm run <script> -- <args>` under npm, else the script and its arguments. */
export function benchCommand(): string {
  const args = process.argv.slice(2);
  const script = process.env['npm_lifecycle_event'];
  if (script) return `npm run ${script}${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  const entry = relative(join(__dirname, '..', '..'), process.argv[1] ?? '');
  return ['tsx', entry, ...args].join(' ');
}

/** The distribution's name (Debian GNU/Linux 12 ...) with the kernel, or the kernel alone. */
async function osName(): Promise<string> {
  const kernel = `${osType()} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(await readFile('/etc/os-release', 'utf8'))?.[1];
    return pretty ? `${pretty}, ${kernel}` : kernel;
  } catch {
    return kernel;
  }
}
