/**
 * Text before the first paper that the title page does not take (a 序, 前言, 卷首语) has a place in
 * the volume model (`volume.front`): printed after the 扉页 and before the 目录, in the EPUB before
 * the 目录 (and in its nav when titled), in the normalized manuscript before `# 目录` — never lost.
 * Fixture: tests/fixtures/front — the seed's title page, a 序, a 目录 of two papers and their bodies.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { volumeToMarkdown } from '../../pipeline/render/markdown.ts';
import { loadConfig } from '../../pipeline/config/load.ts';
import { plain } from '../../pipeline/normalize/text.ts';
import { ROOT, juan, type CliRun } from '../support/cli.ts';

const DIR = join(ROOT, 'tests', 'fixtures', 'front');
const MANUSCRIPT = join(DIR, 'manuscript.md');
const PREFACE = ['这本论文集收录了慈溪市各部门、各单位围绕“八八战略”所作的调查与研究', '编者谨向各位作者和审稿专家致谢。'];
const squash = (s: string) => s.replace(/\s+/g, '');

describe('front text in the model', () => {
  const { volume, file } = normalizeManuscript({ path: MANUSCRIPT, config: loadConfig(join(DIR, 'book.yaml')) });

  it('gives the 序 a front section with its title and paragraphs; the title page keeps its own lines', () => {
    expect(volume.front?.map((f) => ({ id: f.id, title: f.title, blocks: f.body.map((n) => n.type) }))).toEqual([
      { id: 'front-1', title: '序', blocks: ['paragraph', 'paragraph'] },
    ]);
    expect(plain(volume.front![0]!.body[0] as never)).toContain(PREFACE[0]);
    // nothing of the 扉页 (title, subtitle, 论 文 集, organisers, date) became front text
    const frontText = volume.front!.flatMap((f) => f.body.map((n) => plain(n as never))).join('');
    expect(frontText).not.toMatch(/指导|主办|2018 年|论 文 集|改革开放 40 周年/);
    // and no warning says it is not printed any more
    expect(file.messages.map((m) => m.reason).join('\n')).not.toMatch(/不会印出/);
  });

  it('writes it before the 目录 in the normalized manuscript, and reading that back gives the same front text', () => {
    const md = volumeToMarkdown(volume);
    const at = md.indexOf(PREFACE[0]!);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(md.indexOf('\n# 目录\n'));
    expect(md).toMatch(/\n# 序\n/);
    const again = normalizeManuscript({ path: 'again.md', text: md, config: volume.meta });
    expect(again.volume.front?.map((f) => [f.title, f.body.map((n) => plain(n as never))])).toEqual(volume.front?.map((f) => [f.title, f.body.map((n) => plain(n as never))]));
    expect(volumeToMarkdown(again.volume)).toBe(md);
  });

  it('without front text the model has none (the seed: title page, 目录, papers)', () => {
    const seed = normalizeManuscript({ path: join(ROOT, 'manuscript', '论文集.md'), config: loadConfig(join(ROOT, 'manuscript', 'book.yaml')) });
    expect(seed.volume.front ?? []).toEqual([]);
  });
});

describe('front text in the outputs (build)', () => {
  const out = join(ROOT, 'tests', '.out', 'front');
  let build: CliRun;
  const pdf = (first?: number, last?: number) =>
    spawnSync('pdftotext', [...(first ? ['-f', String(first), '-l', String(last ?? first)] : []), join(out, 'book.pdf'), '-'], { encoding: 'utf8' }).stdout;
  const unzip = (entry: string) => spawnSync('unzip', ['-p', join(out, 'book.epub'), entry], { encoding: 'utf8' }).stdout;

  beforeAll(() => {
    rmSync(out, { recursive: true, force: true });
    build = juan(['build', '--manuscript', MANUSCRIPT, '--out', out, '--quiet']);
  }, 600_000);

  it('prints the 序 after the 扉页 and before the 目录, and juan check still passes', () => {
    expect(build.code, build.stderr).toBe(0);
    const pages = Array.from({ length: 6 }, (_, i) => squash(pdf(i + 1)));
    const preface = pages.findIndex((p) => p.includes(squash(PREFACE[0]!)));
    const toc = pages.findIndex((p) => /^目录/.test(p));
    expect(preface).toBe(2); // page 3: the recto after the 扉页 and its blank verso
    expect(pages[preface]).toMatch(/^序/);
    expect(pages[preface]).toContain(squash(PREFACE[1]!));
    expect(toc).toBeGreaterThan(preface);
    const check = juan(['check', '--out', out]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('2 篇论文');
  });

  it('puts it in the EPUB before the 目录, with a nav entry, and in the normalized manuscript', () => {
    const opf = unzip('OEBPS/content.opf');
    const spine = [...opf.matchAll(/<itemref idref="([^"]+)"/g)].map((m) => m[1]);
    expect(spine.indexOf('x-front-1')).toBeGreaterThan(spine.indexOf('x-titlepage'));
    expect(spine.indexOf('x-front-1')).toBeLessThan(spine.indexOf('nav'));
    expect(unzip('OEBPS/front-1.xhtml')).toContain(PREFACE[0]);
    const nav = unzip('OEBPS/toc.xhtml');
    expect(nav).toMatch(/<a href="front-1\.xhtml">序<\/a>/);
    expect(nav.indexOf('front-1.xhtml')).toBeLessThan(nav.indexOf('part-1.xhtml'));
    const md = readFileSync(join(out, 'manuscript.normalized.md'), 'utf8');
    expect(md.indexOf(PREFACE[1]!)).toBeGreaterThan(0);
    expect(md.indexOf(PREFACE[1]!)).toBeLessThan(md.indexOf('\n# 目录\n'));
  });
});
