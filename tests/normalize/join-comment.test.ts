/**
 * A join blocked by an HTML comment between the two halves of a cut paragraph (issue 14): the comment
 * blocks the join — merging would have to move or drop it — and a 警告 names the place when the cut is
 * otherwise certain; a juan-disable directive for this rule is a comment too and silences it.
 */
import { describe, expect, it } from 'vitest';
import { normalizeString } from './run-examples.ts';

const HEAD = '# 题目\n\n市甲局\n\n';
const A = '慈溪市近年来坚持以创新驱动发展，推动传统产业转型升级，家电、汽配等行业规模持续扩大，成为居民幸';
const B = '福感的重要指标之一，也带动了就业。';
const joins = (f: ReturnType<typeof normalizeString>['file']) => f.messages.filter((m) => m.ruleId === 'join-page-break-paragraphs');
/** 修改 or 警告 */
const kind = (m: { fatal?: boolean | null }) => (m.fatal === false ? '警告' : '修改');

describe('join-page-break-paragraphs and an HTML comment between the halves', () => {
  it('control: without the comment the halves are joined', () => {
    const { out, file } = normalizeString(`${HEAD}${A}\n\n${B}\n`);
    expect(out).toBe(`${HEAD}${A}${B}\n`);
    expect(joins(file).map(kind)).toEqual(['修改']);
  });

  it('a plain comment blocks the join: text and comment kept, a 警告 names the place', () => {
    const input = `${HEAD}${A}\n\n<!-- 校对：此处原书换页 -->\n\n${B}\n`;
    const { out, file } = normalizeString(input);
    expect(out).toBe(input);
    const m = joins(file);
    expect(m.map((x) => [kind(x), x.line])).toEqual([['警告', 5]]);
    expect(m[0]!.reason).toMatch(/HTML 注释，未合并：「…为居民幸」\+「福感的重…」/);
  });

  it('a directive switching this rule off is obeyed: no join, no warning', () => {
    for (const directive of ['<!-- juan-disable-next-line join-page-break-paragraphs -->', '<!-- juan-disable join-page-break-paragraphs -->', '<!-- juan-disable -->']) {
      const input = `${HEAD}${A}\n\n${directive}\n\n${B}\n`;
      const { out, file } = normalizeString(input);
      expect(out, directive).toBe(input);
      expect(joins(file), directive).toEqual([]);
    }
  });

  it('a directive for another rule keeps working and still blocks the join (with the warning)', () => {
    const input = `${HEAD}${A}\n\n<!-- juan-disable-next-line fullwidth-punctuation -->\n福感的重要指标之一,也带动了就业。\n`;
    const { out, file } = normalizeString(input);
    // the half-width comma on the directive's next line is kept: the directive works
    expect(out).toBe(input);
    expect(file.messages.filter((m) => m.ruleId === 'fullwidth-punctuation')).toEqual([]);
    expect(joins(file).map(kind)).toEqual(['警告']);
  });

  it('a comment between paragraphs that show no cut says nothing', () => {
    const input = `${HEAD}第一段写完了。\n\n<!-- 注 -->\n\n${B}\n`;
    const { file } = normalizeString(input);
    expect(joins(file)).toEqual([]);
  });
});
