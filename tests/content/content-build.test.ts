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
import { compareHan, repeatedText, typeAreaLines } from '../support/lost-text.ts';
import { tablePartEdges } from './table-parts.ts';
import { loadConfig } from '../../pipeline/config/load.ts';
import { cleanSource } from '../../pipeline/normalize/hygiene.ts';

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
  it('prints every part of the split table as wide as the first, its columns in the same places', () => {
    const at = [...pagesWith('表1各镇（街道）规模以上工业企业主要指标'), ...pagesWith('续表1')];
    expect(at.length).toBeGreaterThanOrEqual(2);
    const header = '镇（街道）企业数（家）产值（亿元）增长率（%）';
    const parts = tablePartEdges(pages, at, loadConfig(join(FIXTURE, 'book.yaml')).page, header, /^\p{Script=Han}+(（二期）)?\d{3}\d\.\d{2}\d+\.\d$/u);
    // before content-handlers.js fixed the columns, 续表1 with its 「（二期）」 rows was 36 pt wider (64.7–334.4 pt against 82.7–316.5)
    for (const part of parts.slice(1)) {
      expect(part.left, `page ${part.page}`).toBeCloseTo(parts[0]!.left, 0);
      expect(part.right, `page ${part.page}`).toBeCloseTo(parts[0]!.right, 0);
    }
    // and each column starts at the same place: the header cells' text
    expect(parts[0]!.header.length).toBeGreaterThanOrEqual(4);
    for (const part of parts.slice(1)) {
      expect(part.header).toHaveLength(parts[0]!.header.length);
      part.header.forEach((x, k) => expect(x, `page ${part.page} column ${k + 1}`).toBeCloseTo(parts[0]!.header[k]!, 0));
    }
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

/** The manuscript text the body pages print: the 目录's part and chapter headings (part pages, chapter heads) and the papers. */
function bodySource(manuscript: string): string {
  const lines = manuscript.split('\n');
  const first = lines.findIndex((l, i) => i > lines.findIndex((t) => /^#\s*目\s*录/.test(t)) && /^# /.test(l));
  const toc = lines.slice(0, first).filter((l) => /^#{2,3}\s*第/.test(l));
  // image and link targets (图/产值.png) are not printed
  return cleanSource([...toc, ...lines.slice(first)].join('\n')).text.replace(/\]\([^)]*\)/g, ']');
}

/** Lowest baseline of body-size text on a page above its notes and folio, and where the notes start (or the lowest body baseline of the book). */
function bodyBottom(page: PdfPage, bodyHeight: number): number {
  return Math.max(...page.items.filter((i) => i.height > bodyHeight * 0.95 && !/^\d+$/.test(i.str.trim())).map((i) => i.y));
}

describe('figures', () => {
  // 样稿 places 图1 where it does not fit the rest of the page (content-handlers.js RenderNodeFigureFloat)
  const FIGURES = [{ caption: '图1各镇产值柱状图', after: '这一段紧跟在图1之后' }];
  it('floats a figure that does not fit to the next page: the text after it fills the page before, no hole', () => {
    const body = pages.flatMap((p) => p.items).find((i) => i.str.includes('传统的书籍排版'))!.height;
    const line = (() => {
      const ys = [...new Set(pages[pagesWith('传统的书籍排版')[0]! - 1]!.items.filter((i) => i.height > body * 0.95).map((i) => Math.round(i.y)))].sort((a, b) => a - b);
      return Math.min(...ys.slice(1).map((y, k) => y - ys[k]!).filter((d) => d > 5));
    })();
    // the type area's last baseline: the lowest body line of any page
    const lowest = Math.max(...pages.map((p) => (p.items.some((i) => i.height > body * 0.95) ? bodyBottom(p, body) : 0)));
    for (const { caption, after } of FIGURES) {
      const [at] = pagesWith(caption);
      expect(at, caption).toBeDefined();
      // the paragraph after the figure in the manuscript was printed before it, on the page before
      expect(pagesWith(after)[0], after).toBe(at! - 1);
      // that page is full: less than three lines (content-handlers.js: the least room it fills) above its notes or the type area's foot
      const before = pages[at! - 2]!;
      const last = bodyBottom(before, body);
      const notes = before.items.filter((i) => i.y > last && i.height < body * 0.95 && !/^\d+$/.test(i.str.trim())).map((i) => i.y);
      const foot = notes.length ? Math.min(...notes) - line : lowest;
      expect(foot - last, `${caption}: gap on page ${at! - 1}`).toBeLessThan(3 * line);
    }
  });
  it('sends a figure with less than three lines left under its paragraph to the next page, the text after it following it', () => {
    // 图2's paragraph ends the page that 图1 floated from: 图2 opens the next page under 图1 and keeps its text after it
    // (it was floated past that text when Paged.js rendered it past the end of the page before: figure-in-place.test.ts)
    const [two] = pagesWith('图2产业协同示意图');
    expect(pagesWith('图2为矢量示意图')[0]).toBe(two! - 1);
    expect(pagesWith('图1各镇产值柱状图')[0]).toBe(two);
    const page = lines[two! - 1]!.map(squeeze);
    const at = (s: string) => page.findIndex((l) => l.includes(s));
    expect(at('图2产业协同示意图')).toBeGreaterThan(at('图1各镇产值柱状图'));
    expect(at('图2之后的这一段')).toBeGreaterThan(at('图2产业协同示意图'));
  });
  it('keeps the figure order and each figure after its first mention', () => {
    const [one] = pagesWith('图1各镇产值柱状图');
    const [two] = pagesWith('图2产业协同示意图');
    expect(one!).toBeLessThanOrEqual(two!);
    expect(pagesWith('图1为各镇产值的柱状图')[0]!).toBeLessThanOrEqual(one!);
    expect(pagesWith('图2为矢量示意图')[0]!).toBeLessThanOrEqual(two!);
  });

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
  it('continues a note too long for its page at the foot of the next, marked （续）, nothing lost or doubled', () => {
    const source = readFileSync(join(FIXTURE, '样稿.md'), 'utf8');
    const note = squeeze(/^\[\^2\]: (这是一条很长的脚注.+)$/m.exec(source)![1]!);
    const [marker] = pagesWith('两者之间的联系');
    expect(marker).toBeDefined();
    const flat = (p: number) => lines[p - 1]!.map(squeeze);
    // the note starts under its marker's page text, its rest opens the next page's notes
    const first = flat(marker!).findIndex((l) => l.startsWith('②这是一条很长的脚注'));
    expect(first, 'note starts on its marker’s page').toBeGreaterThan(0);
    const next = flat(marker! + 1);
    const cont = next.findIndex((l) => l.startsWith('（续）'));
    expect(cont, 'continuation on the next page').toBeGreaterThan(0);
    // at the foot: below every body line of that page
    const page = pages[marker!]!;
    const contY = page.items.find((i) => i.str.startsWith('（续）') || squeeze(i.str).startsWith('（续）'))!.y;
    const body = page.items.filter((i) => i.height > 10).map((i) => i.y);
    expect(contY).toBeGreaterThan(Math.max(...body.filter((y) => y < contY)));
    // the two parts are the whole note, once
    const part1 = flat(marker!).slice(first).join('').replace(/\d+$/, '');
    const part2 = next.slice(cont).join('').replace(/\d+$/, '');
    expect(part1.slice(1) + part2.slice('（续）'.length)).toBe(note);
    expect(pagesWith('而不是被截掉。')).toEqual([marker! + 1]);
  });
});

describe('no text lost or printed twice', () => {
  it('prints every Han character of the papers exactly as often as written (running heads, 续表 rows, （续） aside)', () => {
    const source = bodySource(readFileSync(join(FIXTURE, '样稿.md'), 'utf8'));
    const from = lines.findIndex((l) => l.map(squeeze).join('') === '第一篇样稿篇') + 1;
    expect(from).toBeGreaterThan(1);
    const body = typeAreaLines(pages, loadConfig(join(FIXTURE, 'book.yaml')).page, from);
    const repeated = repeatedText(body, readFileSync(join(OUT, 'print.html'), 'utf8'));
    expect(squeeze(repeated)).toContain('续表1镇（街道）企业数（家）');
    expect(repeated).toContain('（续）');
    expect(compareHan(source, body.join('\n'), repeated)).toEqual({ lost: [], extra: [] });
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

describe('links', () => {
  /** Pixels of page `n` (50 dpi) drawn in a colour, not in ink: blue over red by more than 60 of 255. */
  const colouredPixels = (n: number) => {
    const ppm = execFileSync('pdftoppm', ['-r', '50', '-f', String(n), '-l', String(n), '-singlefile', join(OUT, 'book.pdf')], { maxBuffer: 1 << 26 });
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'))!;
    let count = 0;
    for (let i = header[0].length; i + 2 < ppm.length; i += 3) if (ppm[i + 2]! - ppm[i]! > 60) count++;
    return count;
  };
  it('prints a web link as text with its address after it, and an address written out once', () => {
    const [page] = pagesWith('统计年鉴的电子版见');
    expect(page).toBeDefined();
    const on = squeeze(lines[page! - 1]!.join(''));
    expect(on).toContain(squeeze('样稿统计局网站（https://tjj.example.gov.cn/nianjian/），原始表格另见'));
    expect(squeeze(text).split('https://data.example.org/cixi').length - 1).toBe(1);
  });
  it('prints links in ink, neither blue nor underlined in colour', () => {
    const [page] = pagesWith('统计年鉴的电子版见');
    expect(colouredPixels(page!)).toBe(0);
  });
  it('keeps the EPUB link without the printed address', () => {
    const one = zip.text(zip.names.find((name) => /OEBPS\/p01-[0-9a-f]+\.xhtml$/.test(name))!);
    expect(one).toMatch(/<a href="https:\/\/tjj\.example\.gov\.cn\/nianjian\/"[^>]*>样稿统计局网站<\/a>，/);
    expect(one).not.toContain('（https://tjj.example.gov.cn');
  });
});

describe('EPUB', () => {
  const paper = (n: number) => zip.text(zip.names.find((name) => new RegExp(`OEBPS/p0${n}-[0-9a-f]+\\.xhtml$`).test(name))!);
  it('embeds every character of the table and figure captions in the Hei subset they are set in (weight 500)', () => {
    // content.css sets captions in Hei 500; the subset once had only the headings' characters, and a
    // reader without a CJK font showed 「表1 各镇…」 as 「1」
    const faces = [...zip.text('OEBPS/style.css').matchAll(/@font-face\s*\{([^}]*)\}/g)].map((m) => m[1]!).filter((f) => /heading-500-\d+\.ttf/.test(f));
    const spans = faces.flatMap((f) => [...(/unicode-range:([^;]*)/.exec(f)?.[1] ?? '').matchAll(/U\+([0-9A-F]+)(?:-([0-9A-F]+))?/gi)].map((m) => [parseInt(m[1]!, 16), parseInt(m[2] ?? m[1]!, 16)] as const));
    const captions = zip.names.filter((n) => n.endsWith('.xhtml')).flatMap((n) => [...zip.text(n).matchAll(/<(caption|figcaption)\b[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => m[2]!.replace(/<[^>]+>/g, '')));
    expect(captions.length).toBeGreaterThanOrEqual(2);
    const missing = [...new Set(captions.join('').replace(/\s/g, ''))].filter((ch) => !spans.some(([a, b]) => ch.codePointAt(0)! >= a && ch.codePointAt(0)! <= b));
    expect(missing).toEqual([]);
  });
  it('embeds the code face (JetBrains Mono) with every Latin character of the code: code is monospaced in the EPUB too', () => {
    // without it a reader set code in the embedded Song's proportional Latin (content.css: "JetBrains Mono", then the Song)
    const faces = [...zip.text('OEBPS/style.css').matchAll(/@font-face\s*\{([^}]*)\}/g)].map((m) => m[1]!).filter((f) => /font-family: "JetBrains Mono"/.test(f));
    expect(faces.length).toBeGreaterThan(0);
    const opf = zip.text(zip.names.find((n) => n.endsWith('.opf'))!);
    for (const f of faces) expect(opf).toContain(`href="${/url\("([^"]+)"\)/.exec(f)![1]}"`);
    const spans = faces.flatMap((f) => [...(/unicode-range:([^;]*)/.exec(f)?.[1] ?? '').matchAll(/U\+([0-9A-F]+)(?:-([0-9A-F]+))?/gi)].map((m) => [parseInt(m[1]!, 16), parseInt(m[2] ?? m[1]!, 16)] as const));
    const code = zip.names.filter((n) => n.endsWith('.xhtml')).flatMap((n) => [...zip.text(n).matchAll(/<code\b[^>]*>([\s\S]*?)<\/code>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '')));
    expect(code.join('')).toContain('if (a > b) { return a; }');
    const latin = [...new Set(code.join('').replace(/&[a-z]+;|\s/g, ''))].filter((ch) => ch.codePointAt(0)! < 0x250);
    expect(latin.length).toBeGreaterThan(20);
    expect(latin.filter((ch) => !spans.some(([a, b]) => ch.codePointAt(0)! >= a && ch.codePointAt(0)! <= b))).toEqual([]);
  });
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
  // epubcheck alone takes minutes on a loaded shared machine
  it('passes epubcheck with no errors', { timeout: 600_000 }, () => {
    const unavailable = epubcheckUnavailable();
    if (unavailable) throw new Error(unavailable);
    const messages = epubcheck(epub);
    expect(countBySeverity(messages), JSON.stringify(messages.filter((m) => m.severity === 'ERROR').slice(0, 3))).toMatchObject({ fatal: 0, error: 0 });
  });
});
