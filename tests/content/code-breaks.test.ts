/**
 * Where a long inline code or URL may end a line (content/index.ts codeBreaks): the pieces join
 * back to the text as written, and the places are Chicago's for URLs. The PDF side — no line spread
 * letter by letter before such a word — is asserted on the real manuscripts (layout-quality-real).
 */
import { describe, expect, it } from 'vitest';
import { codeBreaks } from '../../pipeline/render/content/index.ts';

describe('codeBreaks', () => {
  it('breaks after :: and //, before / . _ ( ? # = that follow a letter or digit', () => {
    expect(codeBreaks('std::backtrace::Backtrace')).toEqual(['std::', 'backtrace::', 'Backtrace']);
    expect(codeBreaks('https://github.com/rust-lang/rust/pull/78299')).toEqual(['https://', 'github', '.com', '/rust-lang', '/rust', '/pull', '/78299']);
    expect(codeBreaks('some_error.backtrace()')).toEqual(['some', '_error', '.backtrace', '()']);
  });
  it('leaves code with spaces, short code and punctuation runs whole', () => {
    expect(codeBreaks('if (a > b) { return a; }')).toEqual(['if (a > b) { return a; }']);
    expect(codeBreaks('...')).toEqual(['...']);
    expect(codeBreaks('x')).toEqual(['x']);
  });
  it('never changes the text', () => {
    for (const v of ['[PR](https://github.com/rust-lang/rust/pull/78299)', 'a.b.c_d::e//f?g#h=i', '中文注释 // a.b']) expect(codeBreaks(v).join('')).toBe(v);
  });
});
