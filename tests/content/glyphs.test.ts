/**
 * Uncovered glyphs are reported by code point and Unicode name: a character no embedded font
 * has (ᚠ, a runic letter) in a small book, built with `juan build`; the warning in report.json
 * names it, and the names of look-alikes (⽇ the radical vs 日) differ. It is printed by our
 * missing-glyph font, never a system font; an operator no print face has (⪯) comes from
 * KaTeX_Main, a character the Song face lacks and Kai has (⅛) from Kai, and neither is reported.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { unicodeName } from 'unicode-name';
import { runBuild } from '../../pipeline/commands/build.ts';
import { pdffonts } from '../print/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'tests', '.out', 'content-glyphs');

const MANUSCRIPT = `# 缺字样稿

# 目 录

检验缺字报告.....	样稿编辑部 (01)

# 检验缺字报告

样稿编辑部

这一段正文里有一个任何嵌入字体都没有的字符ᚠ，出现两次：ᚠ。其余文字都来自嵌入的字体。

宋体、楷体里都没有的运算符 a⪯b 取自公式字体，分数⅛取自楷体。
`;

let warnings: string[];

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'src'), { recursive: true });
  writeFileSync(join(OUT, 'src', '缺字样稿.md'), MANUSCRIPT);
  await runBuild({ cwd: ROOT, manuscript: join(OUT, 'src', '缺字样稿.md'), out: join(OUT, 'dist') });
  warnings = (JSON.parse(readFileSync(join(OUT, 'dist', 'report.json'), 'utf8')) as { warnings: string[] }).warnings;
}, 600_000);

describe('uncovered glyphs', () => {
  it('are reported by code point and Unicode name, with their count', () => {
    const missing = warnings.filter((w) => w.startsWith('字体缺字'));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toContain('「ᚠ」(U+16A0 RUNIC LETTER FEHU FEOH FE F) 出现 2 次');
  });
  it('are printed by our missing-glyph font, the operator by KaTeX_Main, and copy out as written', () => {
    const fonts = pdffonts(join(OUT, 'dist', 'book.pdf')).map((f) => f.name.replace(/^[A-Z]{6}\+/, ''));
    expect(fonts).toContain('JuanMissingGlyph-Regular');
    expect(fonts).toContain('KaTeX_Main-Regular');
    for (const f of fonts) expect(f).toMatch(/^(Noto(Serif|Sans)SC-|LXGWWenKai-|KaTeX_|JuanMissingGlyph-)/);
    const text = execFileSync('pdftotext', [join(OUT, 'dist', 'book.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('字符ᚠ，出现两次：ᚠ。');
    expect(text).toContain('a⪯b');
    expect(text).toContain('分数⅛取自楷体');
  });
  it('have names that tell look-alikes apart', () => {
    expect(unicodeName('\u2F47')).toBe('KANGXI RADICAL SUN');
    expect(unicodeName('日')).toBe('CJK UNIFIED IDEOGRAPH-65E5');
    expect(unicodeName('\u{30EDE}')).toBe('CJK UNIFIED IDEOGRAPH-30EDE');
  });
});
