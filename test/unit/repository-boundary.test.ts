import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOutsideReads } from '../support/repository-boundary';

const ROOT = join(__dirname, '..', '..');
/** Where tests and the scripts that run them live; package.json carries the npm scripts. */
const SCANNED = ['test', 'scripts', 'local', '.ci', 'package.json'];

/**
 * A user's clone holds the repository and nothing beside it: a test or script that reads a
 * sibling folder passes here and fails there.
 */
describe('repository boundary', () => {
  it('no tracked test, script or npm script reads outside the repository', () => {
    // Arrange
    const files = execFileSync('git', ['ls-files', '-z', '--', ...SCANNED], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      // A file deleted in the work tree but not yet in the index has nothing left to read.
      .filter((file) => file !== '' && existsSync(join(ROOT, file)));

    // Act
    const reads = files.flatMap((file) => findOutsideReads(file, readFileSync(join(ROOT, file), 'utf8')));

    // Assert
    // The scan saw the files it guards (an empty listing would pass vacuously).
    expect(files).toEqual(expect.arrayContaining(['package.json', '.ci/run', 'test/unit/s3-events.test.ts']));
    expect(reads).toEqual([]);
  });
});

describe('findOutsideReads', () => {
  it.each([
    ['test/unit/a.test.ts', "const dir = join(__dirname, '..', '..', '..', 'elsewhere');"],
    ['test/unit/a.test.ts', "readFileSync(path.join(__dirname, '../../../elsewhere/events', name), 'utf8');"],
    ['test/unit/a.test.ts', "const up = path.resolve(__dirname, '../../..');"],
    ['scripts/a.ts', "const up = resolve(__dirname, '..', '..');"],
    ['test/unit/a.test.ts', 'const file = `${__dirname}/../../../elsewhere.json`;'],
    ['test/unit/a.test.ts', "const ROOT = join(__dirname, '..', '..');\nconst x = join(ROOT, '..', 'elsewhere');"],
    ['test/unit/a.test.ts', "const dir = resolve(join(__dirname, '..'), '..', '..');"],
    // Relative to the file's folder.
    ['test/unit/a.test.ts', "readFileSync('../../../elsewhere/a.json');"],
    // Relative to the repository root, where npm scripts and jest run.
    ['test/unit/a.test.ts', "readFileSync('../elsewhere/a.json');"],
    ['test/a.test.ts', 'const dir = "../../elsewhere/";'],
    ['test/unit/a.test.ts', "import { x } from '../../../elsewhere/x';"],
  ])('flags %s: %s', (file, source) => {
    // Act
    const reads = findOutsideReads(file, source);

    // Assert
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ file, line: source.split('\n').length });
  });

  it('flags a mention of the retired fixture folder anywhere, with its line', () => {
    // Arrange: split so this file does not mention the folder itself.
    const folder = 'shared/' + 'events';

    // Act
    const reads = findOutsideReads('test/README.md', `# Fixtures\n\nThey used to live in ${folder}.\n`);

    // Assert
    expect(reads).toEqual([{ file: 'test/README.md', line: 3, found: `They used to live in ${folder}.` }]);
  });

  it.each([
    ['scripts/fetch.sh', '#!/usr/bin/env bash\ncd ../..\n'],
    ['.ci/run', '#!/usr/bin/env bash\ncp "../../elsewhere/a.json" test/\n'],
  ])('flags the shell script %s', (file, source) => {
    expect(findOutsideReads(file, source)).toEqual([expect.objectContaining({ file, line: 2 })]);
  });

  it('flags an npm script that climbs out of the package root', () => {
    // Arrange
    const manifest = JSON.stringify({ name: 'x', scripts: { test: 'jest', fixtures: 'cp -r ../elsewhere/events test/fixtures' } }, null, 2);

    // Act
    const reads = findOutsideReads('package.json', manifest);

    // Assert
    expect(reads).toEqual([{ file: 'package.json', line: 5, found: expect.stringContaining('"fixtures"') }]);
  });

  it.each([
    ['test/unit/a.test.ts', "import { parseS3Event } from '../../starter/s3-events';"],
    ['test/unit/a.test.ts', "const ROOT = join(__dirname, '..', '..');\nconst f = join(ROOT, 'package.json');"],
    ['test/support/a.ts', "const EVENTS = join(__dirname, '..', 'fixtures', 'events');"],
    ['test/support/a.ts', "bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });"],
    ['test/support/a.ts', "if (name === '..') throw new Error('no');"],
    ['test/support/a.ts', "const above = relative.startsWith('../') || relative === '../..';"],
    ['test/support/a.ts', "const joined = join(tmp, '..', 'sibling');"],
    ['test/unit/a.test.ts', "// Real payloads, see '../shared' in the docs\nconst x = 'incoming/../a.mp4';"],
    ['.ci/run', '#!/usr/bin/env bash\ncd "$(dirname "$0")/.."\nnpm test\n'],
    ['scripts/bootstrap.sh', 'root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"\nln -sf "../node/bin/node" "$tools_bin/node"\n'],
    ['package.json', JSON.stringify({ scripts: { test: 'jest', demo: 'tsx scripts/demo.ts ./local' } })],
    ['test/replay/histories/a.json', '{"path": "../../../../x"}'],
  ])('passes %s: %s', (file, source) => {
    expect(findOutsideReads(file, source)).toEqual([]);
  });
});
