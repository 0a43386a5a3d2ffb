import rule, { examples } from '../../pipeline/normalize/rules/toc-entries.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);

import { describe, expect, it } from 'vitest';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';

describe('toc-entries on a 目录 whose title is repeated', () => {
  it('reads the entries after the second 目录 heading as 目录 lines, not as papers', () => {
    const text = '# 目录\n\n甲文\t市甲局\t(01)\n\n# 目录\n\n乙文\t市乙局\t(03)\n\n# 甲文\n\n市甲局\n\n正文。\n\n# 乙文\n\n市乙局\n\n正文。\n';
    const { volume } = normalizeManuscript({ path: 'toc.md', text });
    const papers = volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));
    expect(papers.map((p) => [p.title, p.unit])).toEqual([['甲文', '市甲局'], ['乙文', '市乙局']]);
  });
});
