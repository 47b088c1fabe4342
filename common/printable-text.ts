/**
 * Characters that let a name rewrite what a terminal or a log viewer shows: C0 and C1 controls,
 * DEL, and the bidirectional overrides and isolates that reorder the text around them
 * ("Trojan Source"). Object keys come from uploaders, so none of these may reach a screen raw.
 */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const TERMINAL_CONTROL_ALL = new RegExp(TERMINAL_CONTROL.source, 'g');

/** True when the text holds a control or bidi character (newlines and tabs count). */
export function hasTerminalControl(text: string): boolean {
  return TERMINAL_CONTROL.test(text);
}

/** The text with every control and bidi character but newline and tab written as `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(TERMINAL_CONTROL_ALL, (c) => (c === '\n' || c === '\t' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Untrusted text (a title tag, a tenant's file name) made safe to keep and show: control and
 * bidi characters become spaces, runs of white space fold to one, and anything over
 * `maxChars` is cut with an ellipsis, so a 600 KB tag costs no more than a short one.
 */
export function boundedText(text: string, maxChars: number): string {
  const clean = text.replace(TERMINAL_CONTROL_ALL, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  return chars.length <= maxChars ? clean : `${chars.slice(0, maxChars - 1).join('').trimEnd()}…`;
}
