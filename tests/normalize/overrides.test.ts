/** Editor overrides: the three directive forms and book.yaml `normalize.rules`, counted for the report. */
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { NORMALIZE_RULE_IDS, type BookConfig } from '../../pipeline/config/schema.ts';
import { normalizeTree } from '../../pipeline/normalize/index.ts';
import { ruleIds } from '../../pipeline/normalize/preset.ts';
import { stringifyMarkdown } from '../../pipeline/render/markdown.ts';

function run(input: string, config?: Partial<BookConfig>) {
  const file = new VFile({ path: 'o.md', value: input });
  const tree = normalizeTree(file, config);
  return { file, out: stringifyMarkdown(tree), ids: file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`) };
}

describe('editor overrides', () => {
  it('the schema lists exactly the preset rules', () => expect([...NORMALIZE_RULE_IDS]).toEqual(ruleIds));

  it('without a directive the rule acts (the control case)', () => {
    const { out, ids } = run('中文,测试\n\n甲,乙\n');
    expect(out).toBe('中文，测试\n\n甲，乙\n');
    expect(ids).toEqual(['1:3 fullwidth-punctuation', '3:2 fullwidth-punctuation']);
  });

  it('juan-disable-next-line switches one rule off for the next line only', () => {
    const { out, ids, file } = run('<!-- juan-disable-next-line fullwidth-punctuation -->\n中文,测试\n\n甲,乙\n');
    expect(out).toBe('<!-- juan-disable-next-line fullwidth-punctuation -->\n中文,测试\n\n甲，乙\n');
    expect(ids).toEqual(['4:2 fullwidth-punctuation']);
    expect(file.data.juanControl?.suppressed).toEqual({ 'fullwidth-punctuation': 1 });
  });

  it('juan-disable … juan-enable switches a rule off between them, other rules keep acting', () => {
    const input = '甲,乙\n\n<!-- juan-disable fullwidth-punctuation -->\n\n丙,丁\n\n# 论 文 集\n\n<!-- juan-enable fullwidth-punctuation -->\n\n戊,己\n';
    const { out, file } = run(input);
    expect(out).toBe('甲，乙\n\n<!-- juan-disable fullwidth-punctuation -->\n\n丙,丁\n\n# 论文集\n\n<!-- juan-enable fullwidth-punctuation -->\n\n戊，己\n');
    expect(file.data.juanControl?.suppressed).toEqual({ 'fullwidth-punctuation': 1 });
  });

  it('juan-disable without ids switches every rule off to the end; enabling one rule brings only it back', () => {
    // not `# 目 录`: since issue 13 the text under a 目录 heading that is no 目录 line is an unreadable 目录
    // (not printed, regenerated), which fullwidth-punctuation leaves alone with or without directives
    const { out } = run('<!-- juan-disable -->\n\n# 论 文 集\n\n甲,乙\n\n<!-- juan-enable fullwidth-punctuation -->\n\n# 后 记\n\n丙,丁\n');
    expect(out).toBe('<!-- juan-disable -->\n\n# 论 文 集\n\n甲,乙\n\n<!-- juan-enable fullwidth-punctuation -->\n\n# 后 记\n\n丙，丁\n');
  });

  it('a join the editor switched off is not made', () => {
    const long = '这是一个足够长的段落，它在旧版书页的末尾被截断，直到衡量人民幸';
    const input = `# 题目\n\n市甲局\n\n<!-- juan-disable-next-line join-page-break-paragraphs -->\n${long}\n\n福感的重要指标之一。\n`;
    const { out, file } = run(input);
    expect(out).toContain(`${long}\n\n`);
    expect(file.messages.filter((m) => m.ruleId === 'join-page-break-paragraphs')).toEqual([]);
    expect(file.data.juanControl?.suppressed).toEqual({ 'join-page-break-paragraphs': 1 });
  });

  it('book.yaml normalize.rules: off leaves the rule out for the whole book, and says so', () => {
    const { out, ids, file } = run('中文,测试\n\n# 论 文 集\n', { normalize: { rules: { 'fullwidth-punctuation': 'off' } } } as Partial<BookConfig>);
    expect(out).toBe('中文,测试\n\n# 论文集\n');
    expect(ids.filter((x) => !x.endsWith('paper-header'))).toEqual(['3:3 letter-spaced-title']);
    expect(file.data.juanControl?.off).toEqual(['fullwidth-punctuation']);
  });
});

describe('directives in the outputs', () => {
  it('never reach the print/EPUB HTML, and stay in the normalized manuscript', async () => {
    const { normalizeManuscript } = await import('../../pipeline/normalize/index.ts');
    const { volumeToHast, stringifyHast } = await import('../../pipeline/render/html.ts');
    const { volumeToMarkdown } = await import('../../pipeline/render/markdown.ts');
    const text = '# 题目\n\n市甲局\n\n<!-- juan-disable-next-line fullwidth-punctuation -->\n中文,测试。\n\n正文,结束。\n';
    const { volume } = normalizeManuscript({ path: 'd.md', text });
    const html = stringifyHast(volumeToHast(volume));
    expect(html).toContain('中文,测试。');
    expect(html).toContain('正文，结束。');
    expect(html).not.toContain('juan-disable');
    expect(volumeToMarkdown(volume)).toContain('<!-- juan-disable-next-line fullwidth-punctuation -->\n中文,测试。');
  });
});
