import { posix } from 'node:path';
import ts from 'typescript';

/** A place where a tracked file reaches outside the repository. */
export interface OutsideRead {
  /** Repository-relative path of the file. */
  file: string;
  line: number;
  /** The source text that reaches out, for the failure message. */
  found: string;
}

/**
 * A folder beside the repository that tests once read fixtures from; a user's clone has no
 * such sibling. Split in two so this file does not match its own check.
 */
const RETIRED_FIXTURE_FOLDER = 'shared/' + 'events';

/** Files are judged against a virtual root, so the check is pure and the same on every machine. */
const ROOT = '/repository';

const SCRIPT_FILE = /\.[cm]?[jt]s$/;
const RELATIVE_PATH = /^\.\.?(\/|$)/;
/** `../x`: a named place above; a bare "up" ('../', '../..') is a segment test or comparison more often than a path. */
const CLIMB_TO_A_NAME = /^\.\.\/.*[^./]/;
/** A relative path token in a shell command: `../x`, `./x`, `..`, after a space, quote, `=`, `(` or `:`. */
const SHELL_PATH = /(?<=^|[\s"'=(:])\.\.?(?:\/[^\s"'`;|&)<>]*)?(?=$|[\s"'`;|&)<>])/gm;
/** Calls whose string argument names a module, resolved from the file's own folder. */
const MODULE_CALLS = new Set(['require', 'require.resolve', 'jest.mock', 'jest.doMock', 'jest.unmock', 'jest.requireActual', 'jest.requireMock']);
const PATH_CALLS = new Set(['join', 'resolve']);

/**
 * Where a tracked file (named by its repository-relative path) reads outside the repository:
 * a path built from `__dirname` that climbs past the root, a relative path literal that does
 * (from the file's folder, and for anything but a module name also from the root, the working
 * directory of npm scripts and jest), a package.json script or shell command that does, or a
 * mention of the retired fixture folder. Paths built from variables are out of its reach.
 */
export function findOutsideReads(file: string, text: string): OutsideRead[] {
  const found = mentionsOfRetiredFolder(file, text);
  if (file === 'package.json') return [...found, ...packageScriptReads(text)];
  if (SCRIPT_FILE.test(file)) return [...found, ...scriptReads(file, text)];
  if (file.endsWith('.sh') || text.startsWith('#!')) return [...found, ...shellReads(file, text, folderOf(file))];
  return found;
}

function mentionsOfRetiredFolder(file: string, text: string): OutsideRead[] {
  return text
    .split('\n')
    .flatMap((line, i) => (line.includes(RETIRED_FIXTURE_FOLDER) ? [{ file, line: i + 1, found: line.trim() }] : []));
}

function scriptReads(file: string, text: string): OutsideRead[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const folder = folderOf(file);
  // `const ROOT = join(__dirname, '..', '..')`: later joins onto ROOT are followed too.
  const builtPaths = new Map<string, string>();
  const found: OutsideRead[] = [];
  const report = (node: ts.Node): void => {
    found.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, found: node.getText(source) });
  };

  const pathOf = (node: ts.Expression): string | undefined => {
    if (ts.isIdentifier(node)) return node.text === '__dirname' ? folder : builtPaths.get(node.text);
    if (ts.isCallExpression(node)) return pathCallResult(node);
    if (ts.isTemplateExpression(node) && node.head.text === '') {
      // `${__dirname}/../x`: the base, then the literal text that follows it.
      const [first] = node.templateSpans;
      const base = first && pathOf(first.expression);
      return base === undefined ? undefined : posix.join(base, first?.literal.text ?? '');
    }
    return undefined;
  };

  // join/resolve(<a path built from __dirname>, 'literal', ...): the literals up to the first non-literal.
  const pathCallResult = (call: ts.CallExpression): string | undefined => {
    const name = calleeName(call);
    const [base, ...rest] = call.arguments;
    if (!name || !PATH_CALLS.has(name.split('.').pop() ?? '') || !base) return undefined;
    const start = pathOf(base);
    if (start === undefined) return undefined;
    const literals: string[] = [];
    for (const arg of rest) {
      if (!ts.isStringLiteralLike(arg)) break;
      literals.push(arg.text);
    }
    return name.endsWith('resolve') ? posix.resolve(start, ...literals) : posix.join(start, ...literals);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const built = pathOf(node.initializer);
      if (built !== undefined) builtPaths.set(node.name.text, built);
    }
    if (ts.isCallExpression(node) || ts.isTemplateExpression(node)) {
      const built = pathOf(node);
      if (built !== undefined && isOutside(built)) return report(node);
    }
    if ((ts.isStringLiteralLike(node) || ts.isTemplateHead(node)) && RELATIVE_PATH.test(node.text) && !isPathCallArgument(node, pathOf)) {
      const fromFolder = isOutside(posix.join(folder, node.text));
      const fromRoot = !isModuleSpecifier(node) && CLIMB_TO_A_NAME.test(node.text) && isOutside(posix.join(ROOT, node.text));
      if (fromFolder || fromRoot) report(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function shellReads(file: string, text: string, folder: string): OutsideRead[] {
  return text.split('\n').flatMap((line, i) => {
    const escaping = [...line.matchAll(SHELL_PATH)].some(([token]) => isOutside(posix.join(folder, token)));
    return escaping ? [{ file, line: i + 1, found: line.trim() }] : [];
  });
}

/** npm runs scripts from the package root. */
function packageScriptReads(text: string): OutsideRead[] {
  const { scripts = {} } = JSON.parse(text) as { scripts?: Record<string, string> };
  const lines = text.split('\n');
  return Object.entries(scripts).flatMap(([name, command]) =>
    shellReads('package.json', command, ROOT).map((read) => {
      const line = lines.findIndex((l) => l.includes(JSON.stringify(name) + ':')) + 1;
      return { ...read, line, found: `"${name}": ${JSON.stringify(command)}` };
    }),
  );
}

/** Joins and resolves are judged whole, not by their '..' arguments one at a time. */
function isPathCallArgument(node: ts.Node, pathOf: (node: ts.Expression) => string | undefined): boolean {
  const call = node.parent;
  return ts.isCallExpression(call) && call.arguments[0] !== node && call.arguments[0] !== undefined && pathOf(call) !== undefined;
}

function isModuleSpecifier(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent)) return true;
  if (ts.isLiteralTypeNode(parent) && ts.isImportTypeNode(parent.parent)) return true;
  if (!ts.isCallExpression(parent)) return false;
  return parent.expression.kind === ts.SyntaxKind.ImportKeyword || MODULE_CALLS.has(calleeName(parent) ?? '');
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return ts.isIdentifier(callee.expression) ? `${callee.expression.text}.${callee.name.text}` : callee.name.text;
  return undefined;
}

function folderOf(file: string): string {
  return posix.join(ROOT, posix.dirname(file));
}

function isOutside(path: string): boolean {
  const relative = posix.relative(ROOT, path);
  return relative === '..' || relative.startsWith('../') || posix.isAbsolute(relative);
}
