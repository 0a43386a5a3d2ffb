import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { cleanSource } from '../../pipeline/normalize/hygiene.ts';
import { normalizeManuscript, normalizeTree } from '../../pipeline/normalize/index.ts';
import rule, { examples } from '../../pipeline/normalize/rules/encoding-hygiene.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);

describe('hygiene before the parse', () => {
  it('maps clean offsets back to the original and forth', () => {
    const src = 'a\u200b\u200bb\r\nc\u3000\u3000\nd';
    const { text, map } = cleanSource(src);
    expect(text).toBe('ab\nc\nd');
    const orig = [...text].map((_, i) => map.toOriginal(i));
    expect(orig).toEqual([0, 3, 5, 6, 9, 10]);
    for (let i = 0; i < text.length; i++) {
      expect(src[orig[i]] === text[i] || (src[orig[i]] === '\r' && text[i] === '\n') || text[i] === '\n').toBe(true);
      expect(map.toClean(orig[i])).toBe(i);
    }
    expect(map.toOriginal(text.length)).toBe(src.length);
    expect(map.toClean(1)).toBe(1); // inside the dropped zero-width run: the next kept character
    expect(map.toOriginalEnd(2)).toBe(4); // just after `b`
  });

  it('gives rule messages and model positions in the original file', () => {
    const text = '\u200b\u200b# 甲论文\r\n\r\n市甲局\r\n\r\n正文,\u200b完整。\r\n';
    const file = new VFile({ path: 'x.md', value: text });
    normalizeTree(file);
    const punct = file.messages.find((m) => m.ruleId === 'fullwidth-punctuation')!;
    expect([punct.line, punct.column]).toEqual([5, 3]);
    const { volume } = normalizeManuscript({ path: 'x.md', text });
    expect(volume.parts[0].chapters[0].papers[0].position).toEqual({ line: 1, column: 3 });
  });
});
