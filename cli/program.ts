import { Command, InvalidArgumentError, Option } from 'commander';
import { dataConverterFor } from '../codec/codec-config';
import { MEDIA_STATUSES, type MediaStatus } from '../common/types';
import { DEFAULT_BACKFILL_IN_FLIGHT, DEFAULT_BACKFILL_PAGE_SIZE, DEFAULT_BACKFILL_RATE } from '../workflows/backfill-messages';
import { canonicalTenant } from '../intake/media-identity';
import type { CliContext, CliOutput } from './cli-context';
import { analyze } from './commands/analyze';
import { backfill, parseLibraryUri, parseMaxInFlight, parsePageSize, parseRate, parseSince, type BackfillOptions } from './commands/backfill';
import { list } from './commands/list';
import { replay } from './commands/replay';
import { report } from './commands/report';
import { builds, promoteBuild } from './commands/builds';
import { cancel } from './commands/cancel';
import { addPerson, listPeople, removePerson } from './commands/people';
import { rerun } from './commands/rerun';
import { retry } from './commands/retry';
import { review } from './commands/review';
import { status } from './commands/status';


export interface CliEnvironment {
  /** Opens the connection and stores once, on the first command that needs them. */
  context(): Promise<CliContext>;
  print: (text: string) => void;
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * `reelscope`: the operator's tool. Every command prints for people, or one JSON document
 * with --json (for scripts); failures exit non-zero with the reason.
 */
export function createProgram(cli: CliEnvironment): Command {
  const program = new Command('reelscope')
    .description('Analyse media on the reelscope pipeline and steer its executions.')
    .option('--json', 'print one JSON document instead of text', false)
    .showHelpAfterError();
  const output = (): CliOutput => ({ json: program.opts<{ json: boolean }>().json, interactive: cli.interactive && !program.opts<{ json: boolean }>().json, print: cli.print });
  const emit = (value: unknown): void => {
    if (output().json) cli.print(JSON.stringify(value, null, 2));
  };

  program
    .command('analyze')
    .description('upload a local file (or take an s3:// object) and analyse it, following its progress')
    .argument('<target>', 'a local media file or s3://bucket/key')
    .option('--tenant <tenant>', 'tenant the upload belongs to', tenantId, 'default')
    .option('--no-wait', 'return once the analysis has started')
    .action(async (target: string, opts: { tenant: string; wait: boolean }) => {
      emit(await analyze(await cli.context(), target, opts, output()));
    });

  program
    .command('status')
    .description("a media's execution, live progress and record")
    .argument('<media-id>')
    .action(async (mediaId: string) => emit(await status(await cli.context(), mediaId, output())));

  program
    .command('list')
    .description("a tenant's media, newest first")
    .requiredOption('--tenant <tenant>', 'tenant id', tenantId)
    .addOption(new Option('--status <status>', 'only media in this status').choices(MEDIA_STATUSES))
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .action(async (opts: { tenant: string; status?: MediaStatus; limit: number }) => emit(await list(await cli.context(), opts, output())));

  program
    .command('report')
    .description("print a media's report summary; write or open the HTML report")
    .argument('<media-id>')
    .option('--html <path>', 'write the HTML report to this file')
    .option('--open', 'write the HTML report and open it in the browser', false)
    .action(async (mediaId: string, opts: { html?: string; open: boolean }) => {
      const result = await report(await cli.context(), mediaId, opts, output());
      emit({ ...result.report, ...(result.htmlPath ? { htmlPath: result.htmlPath } : {}) });
    });

  program
    .command('review')
    .description('approve or reject a media awaiting review')
    .argument('<media-id>')
    .addArgument(new Command().createArgument('<decision>', 'approve or reject').choices(['approve', 'reject']))
    .requiredOption('--reviewer <name>', 'who decides')
    .option('--reason <text>', 'why (required to reject)')
    .action(async (mediaId: string, decision: string, opts: { reviewer: string; reason?: string }) => {
      emit(await review(await cli.context(), mediaId, decision, opts, output()));
    });

  program
    .command('replay')
    .description('replay a workflow history against the current workflow code (run before deploying a worker change)')
    .argument('<target>', 'a workflow id, or a history JSON file')
    .option('--bundle <path>', 'a prebuilt workflow bundle to check instead of workflows/')
    .action(async (target: string, opts: { bundle?: string }) => {
      const outcome = await replay(target, opts, { dataConverter: dataConverterFor(cli.env), client: async () => (await cli.context()).client }, output());
      emit(outcome);
      if (!outcome.ok) process.exitCode = 1;
    });

  program
    .command('retry')
    .description('analyse a failed media again, with its original input')
    .argument('<media-id>')
    .option('--force', 'also re-run a media that completed', false)
    .action(async (mediaId: string, opts: { force: boolean }) => emit(await retry(await cli.context(), mediaId, opts, output())));

  program
    .command('rerun')
    .description('re-run some analyses of a completed media (or its report only), reusing the other outputs')
    .argument('<media-id>')
    .option('--analyses <kinds>', 'comma-separated analyses to run again, e.g. labels,transcript', commaList, [])
    .option('--report-only', 're-write the report only, with the current writer or model', false)
    .action(async (mediaId: string, opts: { analyses: string[]; reportOnly: boolean }) => emit(await rerun(await cli.context(), mediaId, opts, output())));

  program
    .command('cancel')
    .description('stop a running analysis; it ends CANCELLED, and the record says which step it was in and what was stopped')
    .argument('<media-id>')
    .action(async (mediaId: string) => emit(await cancel(await cli.context(), mediaId, output())));

  program
    .command('backfill')
    .description('analyse the objects already in a bucket prefix, at a bounded rate (or steer that backfill: --status, --pause, --resume)')
    .argument('<s3-uri>', 's3://bucket/prefix to list', (value: string) => (parseLibraryUri(value), value))
    .requiredOption('--tenant <tenant>', 'tenant the objects belong to', tenantId)
    .option('--rate <n/s>', 'analyses started per second, at most', parseRate, DEFAULT_BACKFILL_RATE)
    .option('--since <date>', 'only objects last modified at or after this date (ISO 8601)', (value: string) => parseSince(value))
    .option('--page-size <n>', 'objects listed per page (one workflow run each)', parsePageSize, DEFAULT_BACKFILL_PAGE_SIZE)
    .option('--analysis-queue <name>', "task queue the analyses run on (default: the worker's own)")
    .option('--max-in-flight <n>', 'analyses of this backfill running at once, at most (0: no bound)', parseMaxInFlight, DEFAULT_BACKFILL_IN_FLIGHT)
    .option('--status', "print the backfill's progress", false)
    .option('--pause', 'stop starting analyses until --resume', false)
    .option('--resume', 'start analyses again after --pause', false)
    .action(async (uri: string, opts: BackfillOptions) => emit(await backfill(await cli.context(), uri, opts, output())));

  const people = program.command('people').description("the tenant's known people: whom the faces analysis names");
  people
    .command('add')
    .description('enrol the one face on a photo (JPEG or PNG; at most 5 MB on aws, 10 MB on local) as a known person')
    .argument('<photo>', 'a local photo of the person alone')
    .requiredOption('--name <name>', "the person's name, as reports will show it")
    .requiredOption('--tenant <tenant>', 'tenant id', tenantId)
    .option('--person <person-id>', 'add this face to an enrolled person instead of enrolling a new one')
    .action(async (photo: string, opts: { name: string; tenant: string; person?: string }) => emit(await addPerson(await cli.context(), photo, opts, output())));
  people
    .command('list')
    .description("the tenant's known people, by name")
    .requiredOption('--tenant <tenant>', 'tenant id', tenantId)
    .action(async (opts: { tenant: string }) => emit(await listPeople(await cli.context(), opts, output())));
  people
    .command('remove')
    .description('forget a known person and every face enrolled for them')
    .argument('<person-id>')
    .requiredOption('--tenant <tenant>', 'tenant id', tenantId)
    .action(async (personId: string, opts: { tenant: string }) => emit(await removePerson(await cli.context(), personId, opts, output())));

  program
    .command('builds')
    .description('show the worker builds of the Worker Deployment: which is current or ramping, which still drain')
    .action(async () => emit(await builds(await cli.context(), output())));

  program
    .command('promote')
    .description('make a worker build current (or ramp it to a share of new runs); runs pinned to other builds stay where they are')
    .argument('<build-id>')
    .option('--ramp <percent>', 'send this percentage of new runs to the build instead of making it current', positiveInt)
    .action(async (buildId: string, opts: { ramp?: number }) => emit(await promoteBuild(await cli.context(), buildId, opts, output())));

  return program;
}

/** Tenant ids as the starter spells them (lower case), so `--tenant ACME` finds acme's media. */
function tenantId(value: string): string {
  const tenant = canonicalTenant(value);
  if (!tenant) throw new InvalidArgumentError('expected a tenant id: letters, digits, "-" and "_", starting with a letter or digit');
  return tenant;
}

/** `--analyses a,b --analyses c` names a, b and c. */
function commaList(value: string, previous: string[]): string[] {
  const named = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  return [...previous, ...named];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}
