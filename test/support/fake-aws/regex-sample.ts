/**
 * A short string matching a JSON Schema `pattern`, for the common subset of regular
 * expressions (literals, escapes, classes, groups, alternation, quantifiers): each atom is
 * written the fewest times its quantifier allows, and the first alternative is taken.
 * Returns undefined when the result does not match, so the caller can fall back.
 */
export function sampleForPattern(pattern: string): string | undefined {
  try {
    const text = sequence(firstAlternative(pattern));
    return compile(pattern).test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** ECMA-262 with the u flag, as JSON Schema intends; without it for patterns only legal without. */
export function compile(pattern: string, anchored = false): RegExp {
  const source = anchored ? `^(?:${pattern})$` : pattern;
  try {
    return new RegExp(source, 'u');
  } catch {
    return new RegExp(source);
  }
}

const ESCAPES: Record<string, string> = { d: '0', D: 'a', w: 'a', W: '-', s: ' ', S: 'a', b: '', B: '', n: '\n', t: '\t', r: '\r' };
const CLASS_CANDIDATES = `a0A_-. ${Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('')}`;

function sequence(p: string): string {
  let out = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i] as string;
    let atom: string;
    let end: number;
    if (c === '^' || c === '$') {
      i += 1;
      continue;
    } else if (c === '\\') {
      const next = p[i + 1] ?? '';
      const unicode = /^u([0-9a-fA-F]{4})/.exec(p.slice(i + 1));
      atom = unicode ? String.fromCharCode(parseInt(unicode[1] as string, 16)) : (ESCAPES[next] ?? next);
      end = i + (unicode ? 6 : 2);
    } else if (c === '[') {
      end = closing(p, i, ']') + 1;
      const cls = compile(p.slice(i, end), true);
      atom = [...CLASS_CANDIDATES].find((ch) => cls.test(ch)) ?? 'a';
    } else if (c === '(') {
      end = closing(p, i, ')') + 1;
      const inner = p.slice(i + 1, end - 1);
      // Lookarounds match no characters; (?:...) and (?<name>...) are plain groups.
      atom = /^\?<?[=!]/.test(inner) ? '' : sequence(firstAlternative(inner.replace(/^\?(:|<[^>]+>)/, '')));
    } else {
      atom = c === '.' ? 'a' : c;
      end = i + 1;
    }
    let times = 1;
    const quantifier = /^(?:([?*+])|\{(\d+)(?:,\d*)?\})\??/.exec(p.slice(end));
    if (quantifier) {
      times = quantifier[1] === '+' ? 1 : quantifier[1] ? 0 : Number(quantifier[2]);
      end += quantifier[0].length;
    }
    out += atom.repeat(times);
    i = end;
  }
  return out;
}

/** The pattern up to its first top-level "|". */
function firstAlternative(p: string): string {
  let depth = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i += 1;
    else if (c === '[') i = closing(p, i, ']');
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === '|' && depth === 0) return p.slice(0, i);
  }
  return p;
}

/** Index of the bracket that closes the one at `start`, skipping escapes and classes. */
function closing(p: string, start: number, close: ']' | ')'): number {
  let depth = 0;
  for (let i = start; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i += 1;
    else if (close === ')' && c === '[' && i > start) i = closing(p, i, ']');
    else if (c === (close === ']' ? '[' : '(') && (close === ')' || i === start)) depth += 1;
    else if (c === close && (depth -= 1) === 0) return i;
  }
  throw new Error(`unbalanced ${close} in ${p}`);
}
