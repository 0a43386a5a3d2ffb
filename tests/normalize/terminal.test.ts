/** The terminal groups identical warnings like report.html, cuts quotes with …, and states cache use. */
import { describe, expect, it } from 'vitest';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { formatCacheUse, formatMessages } from '../../pipeline/report/terminal.ts';
import { join } from 'node:path';

describe('terminal report', () => {
  it('groups the 47 papers the 目录 lists without a body into one line with the count', () => {
    const { file } = normalizeManuscript({ path: join(import.meta.dirname, '..', '..', 'manuscript', '论文集.md') });
    const text = formatMessages(file);
    const missing = text.split('\n').filter((l) => l.includes('正文中没有收录'));
    expect(missing).toHaveLength(1);
    expect(text).toContain('…同类警告共 47 条（26:1、30:1、31:1、35:1、36:1 等），详见 report.html');
    // every change (修改) is still on a line of its own
    const changes = file.messages.filter((m) => m.fatal == null);
    for (const m of changes) expect(text).toContain(`${m.reason}  ${m.ruleId}`);
    // a quote cut short says so
    expect(text).toContain('「三、解放思想、精准发力，开启新时…」');
  });

  it('states the cache use in the editor\'s words', () => {
    const papers = (ids: string[]) => ({ enabled: true, chunks: 5, chunksLaidOut: ids.length, papersLaidOut: ids });
    expect(formatCacheUse(papers(['p02-aaaaaa']))).toBe('3 篇取自缓存，重排 1 篇');
    expect(formatCacheUse(papers([]))).toBe('4 篇全部取自缓存，没有重排');
    expect(formatCacheUse(papers(['a', 'b', 'c', 'd']))).toBe('缓存中没有可用的版面，重排全部 4 篇');
    expect(formatCacheUse({ enabled: false, chunks: 5, chunksLaidOut: 5, papersLaidOut: [] })).toBe('未使用构建缓存（--no-cache）：全部重排');
  });
});
