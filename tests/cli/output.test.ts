/**
 * Issue 17: an honest output folder and terminal — --no-epub leaves no old book.epub, the
 * progress labels say what is happening, one line says what the layout cache did.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { juan, ROOT } from '../support/cli.ts';
import { formatCacheUse } from '../../pipeline/report/terminal.ts';
import { Progress } from '../../pipeline/report/progress.ts';

describe('juan build --no-epub into a folder with an earlier build', () => {
  let out: string;
  let run: ReturnType<typeof juan>;
  beforeAll(() => {
    const error = inject('seedBuildError');
    if (error) throw new Error(`seed build failed: ${error}`);
    out = mkdtempSync(join(tmpdir(), 'juan-noepub-'));
    cpSync(inject('seedOut'), out, { recursive: true });
    expect(existsSync(join(out, 'book.epub'))).toBe(true);
    // The seed build used the project's cache (.cache/juan): every paper is there.
    run = juan(['build', '--no-epub', '--out', out]);
  });

  it('removes the old book.epub and says so', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(out, 'book.epub'))).toBe(false);
    expect(existsSync(join(out, 'book.pdf'))).toBe(true);
    expect(run.stderr).toContain(`已删除旧的 ${join(out, 'book.epub')}（这次用了 --no-epub，它不是这次构建的）`);
  });

  it('one line states the cache use, from the build\'s own stats (report.json)', () => {
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const papers = report.cache.chunks - 1;
    expect(papers).toBe(3);
    expect(run.stderr).toContain(`版面：${formatCacheUse(report.cache)}`);
  });

  it('log-mode stages: each once, named for what happens', () => {
    const stages = run.stderr.split('\n').filter((l) => l.startsWith('▸'));
    expect(stages.filter((l) => l === '▸ 写 toc.json')).toHaveLength(1);
    expect(stages).not.toContain('▸ 生成 EPUB');
    expect(stages.indexOf('▸ 写 toc.json')).toBeGreaterThan(stages.indexOf('▸ PDF 后处理'));
  });
});

describe('editing one paper: the cache line counts it', () => {
  it('「2 篇取自缓存，重排 1 篇」', () => {
    const error = inject('seedBuildError');
    if (error) throw new Error(`seed build failed: ${error}`);
    const dir = mkdtempSync(join(tmpdir(), 'juan-cacheline-'));
    const text = readFileSync(join(ROOT, 'manuscript', '论文集.md'), 'utf8');
    // A one-character change inside the last paper's text (same width: the page count stays).
    const at = text.lastIndexOf('发展');
    expect(at).toBeGreaterThan(text.length / 2);
    writeFileSync(join(dir, '论文集.md'), `${text.slice(0, at)}进展${text.slice(at + 2)}`);
    cpSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
    const cache = join(dir, 'cache');
    const out = join(dir, 'out');
    const first = juan(['build', '--no-epub', '--manuscript', join(dir, '论文集.md'), '--out', out, '--cache', cache]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('版面：缓存中没有可用的版面，重排全部 3 篇');
    const second = juan(['build', '--no-epub', '--manuscript', join(dir, '论文集.md'), '--out', out, '--cache', cache]);
    expect(second.stderr).toContain('版面：3 篇全部取自缓存，没有重排');
    writeFileSync(join(dir, '论文集.md'), text);
    const third = juan(['build', '--no-epub', '--manuscript', join(dir, '论文集.md'), '--out', out, '--cache', cache]);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain('版面：2 篇取自缓存，重排 1 篇');
  });

  it('--no-cache says so', () => {
    const out = mkdtempSync(join(tmpdir(), 'juan-nocache-'));
    const run = juan(['build', '--no-epub', '--no-cache', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('版面：未使用构建缓存（--no-cache）：全部重排');
  });
});

describe('the live progress line (TTY)', () => {
  function tty(): { stream: NodeJS.WriteStream; text: () => string } {
    let written = '';
    const stream = { isTTY: true, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    // What the terminal shows: the text after the last line clear.
    return { stream, text: () => written.split('\r\x1b[2K').at(-1)! };
  }

  it('counts pages only while they are laid out, and names the 目录 fill and toc.json apart', () => {
    const { stream, text } = tty();
    const p = new Progress(stream, false);
    p.onStage('print');
    p.onStage('layout');
    p.onStage('browser');
    p.onPaper(1, 3);
    p.onPage(22);
    expect(text()).toBe('▸ 在浏览器中排版（Paged.js）：已排 22 页，论文 1/3 篇');
    p.onStage('toc');
    p.onPage(29);
    expect(text()).toBe('▸ 回填目录页码');
    p.onStage('merge');
    p.onStage('postprocess');
    p.onStage('markdown');
    p.onStage('toc');
    p.onPage(29);
    expect(text()).toBe('▸ 写 toc.json');
  });
});
