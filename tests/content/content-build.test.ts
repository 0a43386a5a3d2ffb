/**
 * End-to-end: the example manuscript with every content construct (tests/fixtures/content/样稿.md:
 * a table longer than a page, a wide table, math, code, lists, a quote, 参考文献, footnotes, a PNG
 * and an SVG figure) is built once with `juan build`; the assertions read the PDF and the EPUB
 * back from disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { runCheck } from '../../pipeline/commands/check.ts';
import { pageLines, pdffonts, readPdf, squeeze, type PdfPage } from '../print/helpers.ts';
import { countBySeverity, epubcheck, epubcheckUnavailable, unzip, type Unzipped } from '../epub/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'tests', 'fixtures', 'content');
const OUT = join(ROOT, 'tests', '.out', 'content');

let pages: PdfPage[];
let lines: string[][];
let text: string;
let epub: Uint8Array;
let zip: Unzipped;

/** Physical page numbers (1-based) whose squeezed text contains `s`. */
const pagesWith = (s: string) => lines.map((l, i) => (squeeze(l.join('')).includes(squeeze(s)) ? i + 1 : 0)).filter(Boolean);

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await runBuild({ cwd: ROOT, manuscript: join(FIXTURE, '样稿.md'), out: OUT });
  pages = await readPdf(readFileSync(join(OUT, 'book.pdf')));
  lines = pages.map(pageLines);
  text = execFileSync('pdftotext', ['-layout', join(OUT, 'book.pdf'), '-'], { encoding: 'utf8' });
  epub = readFileSync(join(OUT, 'book.epub'));
  zip = await unzip(epub);
}, 600_000);

describe('tables (三线表)', () => {
  it('prints every row of the long table with its cells on one line', () => {
    for (const row of ['浒山街道1203.1012.5', '附海镇2255.0522.7', '北湖村（二期）4499.2115.9']) {
      expect(lines.some((page) => page.some((l) => squeeze(l) === row)), row).toBe(true);
    }
  });
  it('splits the long table between rows, repeats its header and captions the rest 续表1', () => {
    const first = pagesWith('表1各镇（街道）规模以上工业企业主要指标');
    const cont = pagesWith('续表1');
    expect(first).toHaveLength(1);
    expect(cont.length).toBeGreaterThanOrEqual(1);
    // the continuations follow the first part page after page
    expect(cont).toEqual(cont.map((_, k) => first[0]! + 1 + k));
    const header = '镇（街道）企业数（家）产值（亿元）增长率（%）';
    expect(lines[first[0]! - 1]!.map(squeeze)).toContain(header);
    for (const p of cont) {
      const on = lines[p - 1]!.map(squeeze);
      // the caption sits right above the repeated header, a data row right below it
      expect(on.indexOf(header), `page ${p}`).toBe(on.indexOf('续表1') + 1);
      expect(on[on.indexOf(header) + 1]).toMatch(/^\p{Script=Han}+(（二期）)?\d+\d\.\d{2}\d+\.\d$/u);
    }
    // every row printed once: 48 data rows over the parts
    const rows = [first[0]!, ...cont].flatMap((p) => lines[p - 1]!.map(squeeze).filter((l) => /^\p{Script=Han}+(（二期）)?\d{3}\d\.\d{2}\d+\.\d$/u.test(l)));
    expect(rows).toHaveLength(48);
    expect(new Set(rows).size).toBe(48);
  });
  it('keeps the 注/资料来源 line and prints no Markdown table syntax', () => {
    expect(squeeze(text)).toContain('注：增长率按可比价格计算。');
    expect(text).not.toMatch(/\|\s*-{3}|\|---|:---/);
  });
  it('steps a too-wide table down and keeps each of its rows on one line', () => {
    expect(lines.some((page) => page.some((l) => squeeze(l) === '浒山街道101.25110.37121.48130.56141.62152.71163.80174.95186.037.92'))).toBe(true);
    const row = pages.flatMap((p) => p.items).find((i) => i.str.includes('186.03'))!;
    const body = pages.flatMap((p) => p.items).find((i) => i.str.includes('表格之后的正文'))!;
    expect(row.height).toBeLessThan(body.height * 0.75);
  });
});

describe('figures', () => {
  it('embeds the PNG on the page of its caption 图1, below it', () => {
    const [page] = pagesWith('图1各镇产值柱状图');
    expect(page).toBeDefined();
    const list = execFileSync('pdfimages', ['-list', '-f', String(page), '-l', String(page), join(OUT, 'book.pdf')], { encoding: 'utf8' });
    const rows = list.split('\n').slice(2).filter((l) => l.trim());
    expect(rows.some((r) => /\b1600\s+900\b/.test(r)), list).toBe(true);
  });
  it('draws the SVG (sanitised: its script and external image are gone) with its caption 图2', () => {
    expect(pagesWith('图2产业协同示意图')).toHaveLength(1);
    const html = readFileSync(join(OUT, 'print.html'), 'utf8');
    const svg = Buffer.from(/data:image\/svg\+xml;base64,([^"]+)/.exec(html)![1]!, 'base64').toString('utf8');
    expect(svg).toContain('<circle');
    expect(svg).not.toMatch(/script|onload|onclick|foreignObject|example\.com/i);
  });
  it('prints no Markdown image syntax', () => {
    expect(text).not.toContain('![');
  });
});

describe('footnotes', () => {
  it('prints each note on the page of its marker, per paper ①②③, and no [^n]', () => {
    const notes: Array<[string, string]> = [
      ['分镇数据', '①分镇数据来自样稿统计年鉴，全部为虚构数据。'],
      ['第二节', '②估计采用普通最小二乘法，标准误经异方差调整。'],
      ['持续推进', '③政策建议详见本书其他各篇，此处不再赘述。'],
      ['以SVG形式插入', '①SVG图中的脚本和外部链接在排版前即被清除。'],
    ];
    for (const [context, note] of notes) {
      const marker = note[0]!;
      const textPage = pagesWith(context);
      expect(textPage, context).toHaveLength(1);
      const page = pages[textPage[0]! - 1]!;
      const notePage = lines.findIndex((l) => l.some((line) => squeeze(line) === note)) + 1;
      expect(notePage, note).toBe(textPage[0]);
      // the marker in the text (small, raised) and the note below the text, at the foot
      const markers = page.items.filter((i) => i.str.includes(marker));
      expect(markers.length, note).toBeGreaterThanOrEqual(2);
      const noteY = page.items.find((i) => squeeze(i.str).includes(note.slice(1, 6)))!.y;
      const contextY = page.items.find((i) => squeeze(i.str).includes(context.slice(-2)))!.y;
      expect(noteY).toBeGreaterThan(contextY);
      expect(noteY).toBeGreaterThan(page.height * 0.6);
    }
    expect(text).not.toMatch(/\[\^\d+\]/);
  });
});

describe('math, code, lists, references', () => {
  it('typesets math with KaTeX: no TeX source, Greek copies out as Greek', () => {
    expect(text).not.toContain('$$');
    expect(text).not.toMatch(/\\(beta|hat|sum|varepsilon|quad)/);
    const flat = squeeze(text).normalize('NFC');
    expect(flat).toContain('β0+β1x+ε');
    expect(flat).toContain('α=0.05');
    // \hat{y}: one precomposed letter, not "y" and a separate "^"
    expect(flat).toContain('记作ŷ。');
    expect(flat).toContain('ŷi=β0+');
    expect(flat).not.toMatch(/[\uE000-\uF8FF]/);
  });
  it('keeps code as written, ASCII punctuation and spaces intact', () => {
    expect(text).toContain('if (a > b) { return a; }');
    expect(text).toContain('function diff(a, b) {');
    expect(text).toContain('// 计算两地产值之差（注释可以是中文）');
  });
  it('prints the 参考文献 entries one per line, Latin punctuation as written', () => {
    const flat = lines.flat().map(squeeze);
    for (const entry of ['[1]王明.区域经济协同发展研究[M].北京:样稿出版社,2015:12-18.', '[2]李华,张强.县域产业集聚的测度与分析[J].经济样稿,2016,32(4):45-52.']) {
      expect(flat, entry).toContain(entry);
    }
    expect(flat.some((l) => l.startsWith('[3]SmithJ,BrownK.'))).toBe(true);
  });
  it('prints list items apart', () => {
    const flat = lines.flat().map(squeeze);
    expect(flat.some((l) => l.endsWith('产值集中在少数几个镇，前五位合计超过一半；'))).toBe(true);
    expect(flat.some((l) => l.endsWith('企业数与产值高度相关，但增长率与规模无明显关系；'))).toBe(true);
  });
});

describe('every glyph from our fonts', () => {
  it('embeds only the pinned fonts (no system fallback for Greek, ①, ≤, ℃, ‰, ·)', () => {
    const fonts = pdffonts(join(OUT, 'book.pdf'));
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.embedded, f.name).toBe(true);
      expect(f.name.replace(/^[A-Z]{6}\+/, '')).toMatch(/^(NotoSerifSC|NotoSansSC|LXGWWenKai|NotoSerif-|JetBrainsMono|KaTeX_)/);
    }
    expect(squeeze(text)).toContain('希腊字母α、β、Δ、Ω');
    expect(squeeze(text)).toContain('25℃左右，误差小于3‰');
  });
  it('reports no missing glyph for this book', () => {
    const report = JSON.parse(readFileSync(join(OUT, 'report.json'), 'utf8')) as { warnings: string[] };
    expect(report.warnings.filter((w) => w.includes('缺字'))).toEqual([]);
  });
});

describe('the book still checks', () => {
  it('juan check passes on the built book', async () => {
    const report = await runCheck({ cwd: ROOT, out: OUT });
    expect(report.rows).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe('EPUB', () => {
  const paper = (n: number) => zip.text(zip.names.find((name) => new RegExp(`OEBPS/p0${n}-[0-9a-f]+\\.xhtml$`).test(name))!);
  it('has tables with caption and thead, figures in the package with alt text', () => {
    const one = paper(1);
    expect(one).toMatch(/<table class="juan-table"[^>]*><caption>表1 各镇（街道）规模以上工业企业主要指标<\/caption>\s*<thead>/);
    const two = paper(2);
    const img = /<img src="(images\/[0-9a-f]+\.png)" alt="图1 各镇产值柱状图"/.exec(two);
    expect(img).not.toBeNull();
    expect(zip.names).toContain(`OEBPS/${img![1]}`);
    const opf = zip.text(zip.names.find((n) => n.endsWith('.opf'))!);
    expect(opf).toContain(`href="${img![1]}" media-type="image/png"`);
    expect(opf).toMatch(/href="images\/[0-9a-f]+\.svg" media-type="image\/svg\+xml"/);
  });
  it('has MathML (with the manifest property) and note links both ways', () => {
    const one = paper(1);
    expect(one).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML"');
    expect(one).not.toContain('katex-html');
    const opf = zip.text(zip.names.find((n) => n.endsWith('.opf'))!);
    expect(opf).toMatch(/href="p01-[0-9a-f]+\.xhtml" media-type="application\/xhtml\+xml" properties="mathml"/);
    expect(opf).not.toMatch(/href="p02-[0-9a-f]+\.xhtml"[^>]*mathml/);
    const ref = /<a epub:type="noteref"[^>]* href="#(p01-[0-9a-f]+-fn1)" id="([^"]+)"/.exec(one);
    expect(ref).not.toBeNull();
    expect(one).toMatch(new RegExp(`<aside epub:type="footnote"[^>]* id="${ref![1]}"[^>]*><p><a href="#${ref![2]}"`));
  });
  it('passes epubcheck with no errors', () => {
    const unavailable = epubcheckUnavailable();
    if (unavailable) throw new Error(unavailable);
    const messages = epubcheck(epub);
    expect(countBySeverity(messages), JSON.stringify(messages.filter((m) => m.severity === 'ERROR').slice(0, 3))).toMatchObject({ fatal: 0, error: 0 });
  });
});
