import { errorText } from '../../common/error-text';
import { hasTerminalControl, printable } from '../../common/printable-text';

describe('printable', () => {
  it('writes control and bidi characters as escapes, keeping newlines, tabs and other unicode', () => {
    expect(printable('evil\u202egnp.mp4')).toBe('evil\\u202egnp.mp4');
    expect(printable('a\u001b[2Jb\u0007')).toBe('a\\u001b[2Jb\\u0007');
    expect(printable('x\u009by \u2067z\u2069')).toBe('x\\u009by \\u2067z\\u2069');
    expect(printable('line 1\n\tcafé 日本')).toBe('line 1\n\tcafé 日本');
  });

  it('tells whether a name holds any of them', () => {
    expect(hasTerminalControl('clip\u200f.mp4')).toBe(true);
    expect(hasTerminalControl('clip (1) café.mp4')).toBe(false);
  });
});

describe('errorText', () => {
  it('joins the messages of the cause chain, and says nothing of a missing cause', () => {
    expect(errorText(new Error('upload refused'))).toBe('upload refused');
    expect(errorText(new Error('start failed', { cause: new Error('connection refused') }))).toBe('start failed: connection refused');
    expect(errorText(new Error('x: inner', { cause: new Error('inner') }))).toBe('x: inner');
    expect(errorText('plain')).toBe('plain');
  });
});
