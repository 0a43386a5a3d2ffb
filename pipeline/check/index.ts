/**
 * `juan check`: prove the 目录 from the PDF alone.
 *
 * Nothing the renderer says is trusted: the page map is not read at all, and the page labels
 * are only used as a cross-check of the folio printed in the footer. From the PDF's text
 * (pdfjs-dist, as a viewer extracts it) we
 *   1. find the 目录 pages (top text 目录, then continuation pages full of numbered entries),
 *   2. read the number each paper's 目录 entry ends with (the title may wrap; subtitle/unit follow),
 *   3. find the page where each paper's title begins as a title (set larger than the body —
 *      running heads repeat titles on later pages, but small), and the folio printed on it,
 * then compare the 目录, toc.json and the 目录 of manuscript.normalized.md with what is printed.
 * The list of papers comes from toc.json (titles only; its page numbers are what we check).
 */
import { existsSync, readFileSync } from 'node:fs';
import { JuanError } from '../report/errors.ts';
import { readPdfText, type PageText, type PdfText, type TextLine } from './pdf-text.ts';
import { RADICALS, STRUCTURE_LINE, folioText, norm, pageNumber, samePage, trailingNumber } from './text.ts';

export { formatCheckTable } from './table.ts';

export type CheckSource = '目录 (PDF)' | 'toc.json' | 'manuscript.normalized.md';

export interface CheckRow {
  /** The paper's title. */
  paper: string;
  where: CheckSource;
  /** What that source says (as written, e.g. `(08)`), or null when it does not list the paper. */
  says: string | null;
  /** The folio printed on the paper's first page, or null when it could not be established. */
  actual: string | null;
}

export interface CheckReport {
  /** No differences, every paper found, printed folios and page labels agree. */
  ok: boolean;
  pdfPages: number;
  papersChecked: number;
  /** Only differences. */
  rows: CheckRow[];
  /** Everything else worth knowing, in Chinese (papers not found, folios inferred, label mismatches…). */
  notes: string[];
}

/** A paper as toc.json lists it. */
export interface CheckPaper {
  id: string;
  title: string;
  page: string | null;
}

const HINT = '先运行 npx juan build 生成 book.pdf、toc.json 和 manuscript.normalized.md（或用 --out 指向它们所在的目录）';

function readRequired(path: string): Buffer {
  if (!existsSync(path)) {
    throw new JuanError('usage', `找不到要核对的文件：${path}`, { file: path, source: 'check', hint: HINT });
  }
  return readFileSync(path);
}

/** Papers from toc.json: an array of TocEntry (or an object holding one). */
export function parseTocJson(text: string, file = 'toc.json'): CheckPaper[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new JuanError('content', `toc.json 不是有效的 JSON：${(cause as Error).message}`, { file, source: 'check', hint: HINT, cause });
  }
  const list = Array.isArray(data)
    ? data
    : data && typeof data === 'object'
      ? ((data as Record<string, unknown>).entries ?? (data as Record<string, unknown>).toc ?? (data as Record<string, unknown>).items)
      : null;
  if (!Array.isArray(list)) {
    throw new JuanError('content', 'toc.json 里没有条目列表', { file, source: 'check', hint: HINT });
  }
  const hasKinds = list.some((e) => e && typeof e === 'object' && 'kind' in e);
  const papers = list
    .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object' && typeof (e as { title?: unknown }).title === 'string')
    .filter((e) => !hasKinds || e.kind === 'paper')
    .map((e, i) => ({
      id: typeof e.id === 'string' ? e.id : `paper-${i + 1}`,
      title: e.title as string,
      page: e.page == null ? null : String(e.page),
    }));
  if (papers.length === 0) {
    throw new JuanError('content', 'toc.json 没有列出任何论文', { file, source: 'check', hint: HINT });
  }
  return papers;
}

/** Paper lines of the `# 目录` section of manuscript.normalized.md: `title——subtitle<TAB>unit<TAB>page`. */
export interface MarkdownTocEntry {
  /** The first field: title, possibly with `——subtitle`. */
  title: string;
  /** The last field when it is a page number (`8`, `(08)`), else null. */
  page: string | null;
  /** 1-based line in the Markdown file. */
  line: number;
}

export function parseMarkdownToc(markdown: string, file = 'manuscript.normalized.md'): MarkdownTocEntry[] {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => /^#\s*目\s*录\s*$/u.test(l.trim()));
  if (start < 0) {
    throw new JuanError('content', 'manuscript.normalized.md 里没有「# 目录」一节', { file, source: 'check', hint: HINT });
  }
  const out: MarkdownTocEntry[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#\s/.test(line)) break;
    if (/^#{2,6}\s/.test(line) || !line.includes('\t')) continue;
    const fields = line.split('\t').map((f) => f.trim());
    const last = fields[fields.length - 1]!;
    const page = fields.length > 1 && pageNumber(last) != null ? last : null;
    out.push({ title: fields[0]!.replace(/[.．·…‥⋯\s]+$/u, ''), page, line: i + 1 });
  }
  return out;
}

/**
 * Index of the line where `title` ends when it begins at line `i` (it may wrap over up to three
 * lines), or -1. Lines and title are normalised.
 */
function titleEndsAt(lines: string[], i: number, title: string): number {
  let acc = '';
  for (let k = i; k < Math.min(lines.length, i + 3); k++) {
    if (k === i && lines[k]!.length < Math.min(2, title.length)) return -1;
    acc += lines[k];
    if (acc.startsWith(title)) return k;
    if (!title.startsWith(acc)) return -1;
  }
  return -1;
}

/** For each line, the paper whose (longest) title begins there, and the line where the title ends. */
function titleStarts(lines: string[], titles: string[]): Array<{ paper: number; end: number } | null> {
  return lines.map((_, i) => {
    let best: { paper: number; end: number } | null = null;
    titles.forEach((title, paper) => {
      const end = titleEndsAt(lines, i, title);
      if (end >= 0 && (!best || title.length > titles[best.paper]!.length)) best = { paper, end };
    });
    return best;
  });
}

function isTocHead(page: PageText): boolean {
  return page.lines.slice(0, 2).some((l) => {
    const t = norm(l.text);
    return t.startsWith('目录') && t.length <= 6;
  });
}

function isFolioLine(page: PageText, line: TextLine): boolean {
  return folioText(line.text) != null && (line.top > page.height * 0.8 || line.top < page.height * 0.12);
}

/** Lines of a 目录 page that are entries (not the 目录 heading, not the folio). */
function tocContent(page: PageText): TextLine[] {
  return page.lines.filter((l) => !isFolioLine(page, l) && !(norm(l.text).startsWith('目录') && norm(l.text).length <= 6));
}

/** A page that continues the 目录: mostly lines that end with a page number, 篇/章 lines and wrapped titles. */
function isTocContinuation(page: PageText): boolean {
  const lines = tocContent(page);
  const numbered = lines.filter((l) => trailingNumber(l.text) != null).length;
  return numbered >= 1 && numbered / lines.length >= 0.3;
}

/** Physical pages (1-based, inclusive) of the 目录, or null. */
export function findTocPages(pages: PageText[]): { first: number; last: number } | null {
  const firstIdx = pages.findIndex(isTocHead);
  if (firstIdx < 0) return null;
  let last = firstIdx;
  while (last + 1 < pages.length && (isTocHead(pages[last + 1]!) || isTocContinuation(pages[last + 1]!))) last++;
  return { first: firstIdx + 1, last: last + 1 };
}

/** The folio printed in a page's footer (lowest folio-like line in the bottom fifth), or null. */
export function printedFolio(page: PageText): string | null {
  const candidates = page.lines.filter((l) => l.top > page.height * 0.8 && folioText(l.text) != null);
  const lowest = candidates.sort((a, b) => b.top - a.top)[0];
  return lowest ? folioText(lowest.text) : null;
}

/** The most common value; with weights, the one that carries the most weight. */
function mode(values: number[], weights?: number[]): number {
  const counts = new Map<number, number>();
  values.forEach((v, i) => counts.set(Math.round(v * 2) / 2, (counts.get(Math.round(v * 2) / 2) ?? 0) + (weights?.[i] ?? 1)));
  let best = 0;
  let bestCount = -1;
  for (const [v, c] of counts) if (c > bestCount) [best, bestCount] = [v, c];
  return best;
}

/** The core, on already extracted text (the tests also call it directly). */
export function checkPdfText(text: PdfText, papers: CheckPaper[], mdEntries: MarkdownTocEntry[]): CheckReport {
  const { pages, labels } = text;
  const rows: CheckRow[] = [];
  const notes: string[] = [];
  let problems = 0;
  const titles = papers.map((p) => norm(p.title));
  // Papers with the same title are told apart by order: the k-th line (or first page) with that
  // title is the k-th such paper (titleStarts names the first of them).
  const sameTitle = titles.map((t) => titles.flatMap((u, j) => (u === t ? [j] : [])));
  const nextFree = (paper: number, taken: Map<number, unknown>) => sameTitle[paper]!.find((j) => !taken.has(j)) ?? -1;

  const radicals = pages.reduce((n, p) => n + p.lines.reduce((m, l) => m + (l.text.match(RADICALS)?.length ?? 0), 0), 0);
  if (radicals > 0) notes.push(`PDF 提取出的文字中有 ${radicals} 个康熙部首/部首补充字符（如「⽬」代替「目」），复制和搜索会出错；核对时已按对应汉字比较`);
  if (!labels) notes.push('PDF 没有页码标签（/PageLabels），阅读器显示的页码与所印页码不一致');

  // 1. The 目录 pages and their entries.
  const toc = findTocPages(pages);
  const tocSays = new Map<number, string | null>();
  if (!toc) {
    notes.push('PDF 中找不到目录页（页首文字为「目录」的页面）');
  } else {
    const lines = pages.slice(toc.first - 1, toc.last).flatMap(tocContent);
    const normed = lines.map((l) => norm(l.text));
    const starts = titleStarts(normed, titles);
    const used = new Set<number>();
    starts.forEach((found, i) => {
      if (!found) return;
      const start = { ...found, paper: nextFree(found.paper, tocSays) };
      if (start.paper < 0) return;
      // The number ends the line where the title ends, or one of the next lines of the same entry.
      let says: string | null = null;
      for (let k = start.end; k < Math.min(lines.length, start.end + 4); k++) {
        if (k > i && (starts[k] || STRUCTURE_LINE.test(normed[k]!))) break;
        const n = trailingNumber(lines[k]!.text);
        if (n) {
          says = n;
          used.add(k);
          break;
        }
      }
      tocSays.set(start.paper, says);
    });
    lines.forEach((l, k) => {
      if (!used.has(k) && trailingNumber(l.text) && !STRUCTURE_LINE.test(normed[k]!)) {
        notes.push(`目录中的条目「${l.text}」不对应 toc.json 中的任何论文`);
      }
    });
  }

  // 2. The page where each paper begins, and the folio printed there.
  const bodyPages = pages.slice(toc ? toc.last : 0);
  // the body size is the size most characters are set in (a small book of short papers has
  // more title lines than body lines, but not more title characters)
  const bodyLines = bodyPages.flatMap((p) => p.lines);
  const bodySize = mode(bodyLines.map((l) => l.size), bodyLines.map((l) => [...l.text].length));
  const firstPage = new Map<number, PageText>();
  const fallback = new Map<number, PageText>();
  for (const page of bodyPages) {
    const normed = page.lines.map((l) => norm(l.text));
    titleStarts(normed, titles).forEach((start, i) => {
      if (!start) return;
      const line = page.lines[i]!;
      if (line.size >= bodySize * 1.15) {
        const paper = nextFree(start.paper, firstPage);
        if (paper >= 0) firstPage.set(paper, page);
      } else if (line.top > page.height * 0.12 && !fallback.has(start.paper)) {
        fallback.set(start.paper, page);
      }
    });
  }

  const actual = new Map<number, string | null>();
  papers.forEach((paper, i) => {
    let page = firstPage.get(i);
    if (!page && fallback.has(i)) {
      page = fallback.get(i)!;
      notes.push(`「${paper.title}」的标题在正文中未以大于正文的字号出现，按第 ${page.page} 页上第一次以它开头的一行计`);
    }
    if (!page) {
      notes.push(`PDF 正文中找不到论文「${paper.title}」的首页`);
      problems++;
      actual.set(i, null);
      return;
    }
    const label = labels?.[page.page - 1] ?? null;
    let folio = printedFolio(page);
    if (folio == null) {
      // No folio printed on the first page: infer it from the nearest pages that print one.
      for (let k = 1; k <= 3 && folio == null; k++) {
        const before = pages[page.page - 1 - k] && printedFolio(pages[page.page - 1 - k]!);
        const after = pages[page.page - 1 + k] && printedFolio(pages[page.page - 1 + k]!);
        if (before && pageNumber(before) != null) folio = String(pageNumber(before)! + k);
        else if (after && pageNumber(after) != null && pageNumber(after)! - k >= 1) folio = String(pageNumber(after)! - k);
      }
      if (folio != null) notes.push(`「${paper.title}」的首页（PDF 第 ${page.page} 页）未印页码，按前后页推得 ${folio}`);
    }
    if (folio != null && label != null && !samePage(folio, label)) {
      notes.push(`PDF 第 ${page.page} 页页脚印的是 ${folio}，页码标签却是 ${label}`);
      problems++;
    }
    if (folio == null && label != null) {
      folio = label;
      notes.push(`「${paper.title}」的首页（PDF 第 ${page.page} 页）及前后页都没有印页码，只能采用页码标签 ${label}`);
    }
    if (folio == null) {
      notes.push(`无法确定「${paper.title}」首页（PDF 第 ${page.page} 页）的页码`);
      problems++;
    }
    actual.set(i, folio);
  });

  // 3. Compare the three sources with what is printed.
  const mdTitles = mdEntries.map((e) => norm(e.title));
  const mdUsed = new Set<number>();
  papers.forEach((paper, i) => {
    const real = actual.get(i) ?? null;
    if (real == null) return; // reported in notes
    if (toc) {
      const says = tocSays.has(i) ? tocSays.get(i)! : null;
      if (!samePage(says, real)) rows.push({ paper: paper.title, where: '目录 (PDF)', says, actual: real });
    } else {
      rows.push({ paper: paper.title, where: '目录 (PDF)', says: null, actual: real });
    }
    if (!samePage(paper.page, real)) rows.push({ paper: paper.title, where: 'toc.json', says: paper.page, actual: real });
    // Longest title first, so a title that is the prefix of another does not take its line.
    const candidates = mdTitles
      .map((t, k) => ({ t, k }))
      .filter(({ t }) => t.startsWith(titles[i]!))
      .filter(({ t }) => !titles.some((other, j) => j !== i && other.length > titles[i]!.length && t.startsWith(other)));
    // in order: a repeated title takes the next line that lists it
    const pick = candidates.find(({ k }) => !mdUsed.has(k)) ?? candidates[0];
    if (pick) mdUsed.add(pick.k);
    const entry = pick ? mdEntries[pick.k]! : null;
    const mdSays = entry?.page ?? null;
    if (!samePage(mdSays, real)) rows.push({ paper: paper.title, where: 'manuscript.normalized.md', says: mdSays, actual: real });
  });

  return { ok: rows.length === 0 && problems === 0, pdfPages: pages.length, papersChecked: papers.length, rows, notes };
}

const STALE_HINT = '输出文件夹里的文件来自不同的运行：请重新构建（npx juan build），再核对';

/**
 * A stale output folder is not a wrong 目录: toc.json or the normalized manuscript written by
 * `juan normalize` (no page numbers) did not come from the build that made book.pdf. Said with its own message (「请重新构建」), exit 2.
 */
export function assertSameBuild(papers: CheckPaper[], mdEntries: MarkdownTocEntry[], paths: { tocJson: string; markdown: string }): void {
  if (papers.every((p) => p.page == null))
    throw new JuanError('usage', 'toc.json 中没有页码：它不是与 book.pdf 同一次构建写出的（juan normalize 不排版）；请重新构建', { file: paths.tocJson, source: 'check', hint: STALE_HINT });
  if (mdEntries.length && mdEntries.every((e) => e.page == null))
    throw new JuanError('usage', 'manuscript.normalized.md 的目录中没有页码：它不是与 book.pdf 同一次构建写出的；请重新构建', { file: paths.markdown, source: 'check', hint: STALE_HINT });
}

/** `juan check` core: read the three build outputs and compare. */
export async function checkBook(paths: { pdf: string; tocJson: string; markdown: string }): Promise<CheckReport> {
  const pdf = readRequired(paths.pdf);
  const tocJson = readRequired(paths.tocJson).toString('utf8');
  const markdown = readRequired(paths.markdown).toString('utf8');
  const papers = parseTocJson(tocJson, paths.tocJson);
  const mdEntries = parseMarkdownToc(markdown, paths.markdown);
  assertSameBuild(papers, mdEntries, paths);
  let text: PdfText;
  try {
    text = await readPdfText(new Uint8Array(pdf));
  } catch (cause) {
    throw new JuanError('content', `无法读取 PDF：${(cause as Error).message}`, { file: paths.pdf, source: 'check', hint: HINT, cause });
  }
  const report = checkPdfText(text, papers, mdEntries);
  // The PDF agrees with itself but the files beside it do not: they come from another run.
  if (!report.ok && report.rows.length && report.rows.every((r) => r.where !== '目录 (PDF)'))
    report.notes.unshift(`book.pdf 的目录与其正文一致，只有 toc.json / manuscript.normalized.md 与它不符：${STALE_HINT}`);
  return report;
}
