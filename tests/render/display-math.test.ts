/**
 * `$$…$$` written on a line of its own (as d2l and most Chinese theses write it) is read by remark-math
 * as inline math: html.ts must still set it as display math, and leave `$…$` inside a sentence inline.
 */
import { describe, expect, it } from 'vitest';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { stringifyHast, volumeToHast } from '../../pipeline/render/html.ts';

const html = (body: string) => {
  const { volume } = normalizeManuscript({ path: 'math.md', text: `# 词嵌入\n\n数学系\n\n${body}\n` });
  return stringifyHast(volumeToHast(volume));
};

describe('display math written on one line', () => {
  it('is a display block, not a paragraph', () => {
    const out = html('余弦相似度为\n\n$$\\frac{x^\\top y}{\\|x\\| \\|y\\|} \\in [-1, 1].$$\n\n其中各项如下。');
    expect(out).toMatch(/<div class="juan-math-display"[ >]/);
    expect(out).not.toMatch(/<p>\s*<span class="juan-math">/);
  });
  it('stays inline inside a sentence, and in a paragraph of single-dollar math', () => {
    const out = html('其中 $x$ 是向量，$$y$$ 是标量。\n\n$z$');
    expect(out).not.toMatch(/juan-math-display/);
    expect(out.match(/class="juan-math"/g)).toHaveLength(3);
  });
});
