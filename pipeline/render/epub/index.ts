/**
 * The EPUB 3 writer: volume model (+ the print build's page map) → book.epub bytes.
 *
 * Files (all under OEBPS/, ASCII names):
 *   cover.xhtml + cover.svg   generated cover (cover-image)
 *   titlepage.xhtml           扉页
 *   toc.xhtml                 目录 nav (篇 → 章 → paper), landmarks, page-list
 *   part-N.xhtml              篇 pages
 *   <paper.id>.xhtml          one file per paper, page-break markers where the PDF's pages begin
 *   toc.ncx                   for EPUB 2 reading systems
 *   shared.css + style.css    typography shared with print + EPUB-only rules (styles/epub.css)
 *   fonts/*                   subsets of the body, heading, Kai and code faces, each with exactly the
 *                             characters it sets (left out with embedFont: false)
 *
 * Deterministic: same volume + page map → byte-identical EPUB.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ejs from 'ejs';
import type { Chapter as EpubChapter } from 'epub-gen-memory';
import type { Element as HastElement, Root as HastRoot } from 'hast';
import { visit } from 'unist-util-visit';
import { isUntitledPart, type Chapter, type Paper, type PageMap, type Volume } from '../../model/types.ts';
import { chapterHeading, frontToHast, paperToHast, partHeading, stringifyHast } from '../html.ts';
import { JuanError } from '../../report/errors.ts';
import { assertAllPlaced, insertPageBreaks, pageBreakElement, pageBreakXhtml, planPageBreaks, type PageBreak } from './page-breaks.ts';
import { COVER_VERSION, coverSvg, escapeXml } from './cover.ts';
import { chineseDate, organiserLabel } from '../book-text.ts';
import { fontsourceFamily, fontsourceVersion, usedCodePoints } from '../fonts/fontsource.ts';
import { subsetFace, unicodeRange } from '../fonts/subset.ts';
import { CODE_FONT_PACKAGE } from '../content/assets.ts';
import { hashKey, type BuildCache } from '../../cache/store.ts';
import { JuanEpub, type ExtraFile } from './juan-epub.ts';
import { projectPath } from '../../paths.ts';
import { hasMathml, packageImages, type PackagedImage } from '../content/epub.ts';
import { opensChapterKey, paperContentKey, renderCodeKey } from '../paper-key.ts';

const TEMPLATES = pathToFileURL(projectPath('templates', 'epub') + '/');
const STYLES = pathToFileURL(projectPath('styles') + '/');

export interface RenderEpubOptions {
  onStage?: (stage: string) => void;
  /** Embed subsets of the book's fonts (default true). */
  embedFont?: boolean;
  /** Keeps font subsets between builds. */
  cache?: BuildCache;
}

function template(name: string): string {
  return readFileSync(new URL(name, TEMPLATES), 'utf8');
}

/** `2018-10` → dcterms:modified `2018-10-01T00:00:00Z` and the zip date. */
function fixedDate(date: string): { modified: string; mtime: Date } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number | undefined];
  const mtime = new Date(Date.UTC(y, m - 1, d ?? 1));
  return { modified: mtime.toISOString().replace(/\.\d{3}Z$/, 'Z'), mtime };
}

/** MARC relator for an organiser role as book.yaml writes it. */
const RELATORS: Record<string, string> = { 指导: 'spn', 主办: 'orm', 承办: 'hst', 协办: 'spn', 编: 'edt', 主编: 'edt', 编者: 'edt' };

/** Stylesheets: the print colleague's shared typography (when present) and ours. */
function stylesheets(): { shared: string | null; epub: string } {
  const sharedUrl = new URL('shared.css', STYLES);
  const shared = existsSync(sharedUrl) ? epubSafeCss(readFileSync(sharedUrl, 'utf8') + readFileSync(new URL('content.css', STYLES), 'utf8')) : null;
  return { shared, epub: readFileSync(new URL('epub.css', STYLES), 'utf8') };
}

/**
 * shared.css is written for the print browser too: make it something every reading system
 * (and epubcheck 4.2.6's CSS parser) takes — drop @import/@font-face/@page, and resolve
 * custom properties (`--juan-song: …` / `var(--juan-song)`), which Adobe RMSDK, older Kobo
 * firmware and epubcheck's parser do not understand.
 */
export function epubSafeCss(css: string): string {
  let out = css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/@import[^;]*;/g, '')
    .replace(/@font-face\s*\{[^}]*\}/g, '')
    .replace(/@page[^{]*\{(?:[^{}]|\{[^{}]*\})*\}/g, '');
  const vars = new Map<string, string>();
  out = out.replace(/(^|\n)\s*:root\s*\{([^}]*)\}/g, (_all, lead: string, body: string) => {
    const rest = body
      .replace(/--([\w-]+)\s*:\s*([^;]+);?/g, (_m, name: string, value: string) => {
        vars.set(name, value.trim());
        return '';
      })
      .trim();
    return rest ? `${lead}:root {\n  ${rest}\n}` : lead;
  });
  out = out.replace(/^[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  for (let round = 0; round < 5 && /var\(--/.test(out); round++) {
    out = out.replace(/var\(--([\w-]+)(?:\s*,\s*([^()]*))?\)/g, (all, name: string, fallback?: string) => vars.get(name) ?? fallback?.trim() ?? all);
  }
  return `/* styles/shared.css (typography shared with the print edition), prepared for EPUB reading systems. */\n${out}\n`;
}

interface NavPaper { kind: 'paper'; href: string; label: string; subtitle: string | null; unit: string | null; id: string }
interface NavChapter { kind: 'chapter'; href: string; label: string; id: string; children: NavPaper[] }
interface NavPart { href: string; label: string; id: string; children: Array<NavPaper | NavChapter>; untitled?: boolean }

/** Id of a paper's title heading (set on the EPUB's copy of the tree). */
export function paperTitleId(paper: Paper): string {
  return `${paper.id}-title`;
}

function navPaper(paper: Paper, showUnit: boolean, opensChapter: boolean, showSubtitle = false): NavPaper {
  // A paper that opens a chapter starts with the chapter heading, which the nav links first;
  // the paper's own entry must point after it (nav links in reading order).
  const href = opensChapter ? `${paper.id}.xhtml#${paperTitleId(paper)}` : `${paper.id}.xhtml`;
  return { kind: 'paper', href, label: paper.title, subtitle: showSubtitle && paper.subtitle ? `——${paper.subtitle}` : null, unit: showUnit ? paper.unit : null, id: paper.id };
}

function buildNav(volume: Volume): NavPart[] {
  const showUnit = volume.meta.toc.showUnit;
  // Subtitles as the printed 目录 shows them (templates/toc.ts: toc.showSubtitle).
  const showSubtitle = volume.meta.toc.showSubtitle;
  // front sections with a title open the nav (reading order: they come before the 目录 and the papers)
  const front: NavPart[] = (volume.front ?? [])
    .filter((f) => f.title)
    .map((f) => ({ href: `${f.id}.xhtml`, label: f.title!, id: f.id, untitled: true, children: [{ kind: 'paper', href: `${f.id}.xhtml`, label: f.title!, subtitle: null, unit: null, id: f.id }] }));
  return [...front, ...volume.parts.map((part) => ({
    href: `${part.id}.xhtml`,
    label: partHeading(part),
    id: part.id,
    // no 篇 line: no part page and no nav entry of its own; its entries stand at the top level
    untitled: isUntitledPart(part),
    children: part.chapters.flatMap((chapter): Array<NavPaper | NavChapter> => {
      const heading = chapterHeading(chapter);
      if (!heading || !chapter.papers.length) return chapter.papers.map((p) => navPaper(p, showUnit, false, showSubtitle));
      const papers = chapter.papers.map((p, i) => navPaper(p, showUnit, i === 0, showSubtitle));
      return [{ kind: 'chapter', href: `${chapter.papers[0]!.id}.xhtml#${chapter.id}`, label: heading, id: chapter.id, children: papers }];
    }),
  }))];
}

function ncxNavMap(nav: NavPart[]): { xml: string; depth: number } {
  let order = 0;
  let depth = 1;
  const point = (id: string, label: string, src: string, inner: string, indent: string) =>
    `${indent}<navPoint id="ncx-${id}" playOrder="${++order}"><navLabel><text>${escapeXml(label)}</text></navLabel><content src="${src}"/>` +
    (inner ? `\n${inner}\n${indent}` : '') +
    `</navPoint>`;
  const xml = nav
    .map((part) => {
      const i1 = '    ';
      if (part.untitled) {
        return part.children
          .map((entry) => {
            if (entry.kind === 'paper') return point(entry.id, entry.label, entry.href, '', i1);
            depth = Math.max(depth, 2);
            return point(entry.id, entry.label, entry.href, entry.children.map((p) => point(p.id, p.label, p.href, '', i1 + '  ')).join('\n'), i1);
          })
          .join('\n');
      }
      const head = `${i1}<navPoint id="ncx-${part.id}" playOrder="${++order}"><navLabel><text>${escapeXml(part.label)}</text></navLabel><content src="${part.href}"/>`;
      const children = part.children.map((entry) => {
        if (entry.kind === 'paper') {
          depth = Math.max(depth, 2);
          return point(entry.id, entry.label, entry.href, '', i1 + '  ');
        }
        depth = Math.max(depth, 3);
        const chHead = `${i1}  <navPoint id="ncx-${entry.id}" playOrder="${++order}"><navLabel><text>${escapeXml(entry.label)}</text></navLabel><content src="${entry.href}"/>`;
        const papers = entry.children.map((p) => point(p.id, p.label, p.href, '', i1 + '    '));
        return `${chHead}\n${papers.join('\n')}\n${i1}  </navPoint>`;
      });
      return `${head}\n${children.join('\n')}\n${i1}</navPoint>`;
    })
    .join('\n');
  return { xml, depth };
}

interface FileSpec {
  filename: string;
  title: string;
  body: string;
  bodyClass: string;
  epubType: string | null;
  beforeToc: boolean;
  excludeFromToc: boolean;
}

/** Raise every heading rank (and a run-in head's aria-level) by `shift`: h3 → h1 for shift 2. */
function outlineFromH1(node: HastElement, shift: number): void {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    const rank = /^h([1-6])$/.exec(child.tagName);
    if (rank) child.tagName = `h${Math.max(1, Number(rank[1]) - shift)}`;
    const level = child.properties?.ariaLevel;
    if (level !== undefined && child.properties?.role === 'heading') child.properties.ariaLevel = String(Math.max(1, Number(level) - shift));
    outlineFromH1(child, shift);
  }
}
const PAPER_ID = /^p\d+-[0-9a-f]{6}$/;

/**
 * KaTeX writes `\stackrel`/`\overset` operators as `<mo><mover><mo><mo>=</mo></mo>…</mover></mo>`,
 * which MathML forbids (an `mo` holds text only; epubcheck: RSC-005): an `mo` with elements inside
 * is replaced by its children.
 */
function unwrapNestedMo(node: { children?: unknown[] }): void {
  if (!node.children) return;
  node.children = (node.children as HastElement[]).flatMap((c) => {
    unwrapNestedMo(c as never);
    return c.type === 'element' && c.tagName === 'mo' && c.children.some((x) => x.type === 'element') ? (c.children as HastElement[]) : [c];
  });
}

/** One paper as XHTML body content, with its page breaks. */
function paperXhtml(paper: Paper, opensChapter: Chapter | null, breaks: PageBreak[], placed: Set<string>, images: Map<string, PackagedImage>): string {
  const tree = paperTree(paper, opensChapter, images);
  for (const id of insertPageBreaks(tree, breaks)) placed.add(id);
  return paperFinish(tree, paper);
}

/** A paper's tree as its file has it, before the page breaks go in. */
function paperTree(paper: Paper, opensChapter: Chapter | null, images: Map<string, PackagedImage>): HastRoot {
  const tree = paperToHast(paper, opensChapter);
  unwrapNestedMo(tree);
  for (const image of packageImages(tree)) images.set(image.path, image);
  const section = tree.children.find((c) => c.type === 'element');
  if (section && section.type === 'element') {
    section.properties = { ...section.properties, 'epub:type': 'chapter', role: 'doc-chapter' };
    const header = section.children.find((c) => c.type === 'element' && c.tagName === 'header');
    const title = header?.type === 'element' ? header.children.find((c) => c.type === 'element' && c.tagName === 'h3') : undefined;
    if (title?.type === 'element') title.properties = { ...title.properties, id: paperTitleId(paper) };
    // Each file is a document of its own: its outline starts at h1 — the chapter heading when
    // the paper opens a chapter (then the paper title h2), else the paper title — sections below.
    outlineFromH1(section, opensChapter ? 1 : 2);
  }
  return tree;
}

/** The tree (page breaks in) serialised, links to other papers pointing to their files. */
function paperFinish(tree: HastRoot, paper: Paper): string {
  // links to another paper (`#p03-…`, see buildVolume) point to that paper's file
  const relink = (node: { type: string; tagName?: string; properties?: Record<string, unknown>; children?: unknown[] }) => {
    if (node.type === 'element' && node.tagName === 'a' && typeof node.properties?.href === 'string' && node.properties.href.startsWith('#') && PAPER_ID.test(node.properties.href.slice(1)))
      node.properties.href = node.properties.href.slice(1) === paper.id ? '#' + paperTitleId(paper) : `${node.properties.href.slice(1)}.xhtml`;
    for (const c of (node.children ?? []) as Array<typeof node>) relink(c);
  };
  relink(tree as never);
  return stringifyHast(tree, { xhtml: true });
}

/** Serialised page-break marker of a placeholder `juan-pb-<k>` (cachedPaperXhtml). */
const PLACEHOLDER = /<span epub:type="pagebreak" role="doc-pagebreak" id="juan-pb-(\d+)" aria-label="juan-pb-\1"><\/span>/g;

interface CachedPaper { xhtml: string; images: Array<{ path: string; mediaType: string; data: string }> }

/**
 * paperXhtml through the cache. A paper's file depends on its content, the chapter it opens and
 * where in it the printed pages begin — not on the folios, which move when an earlier paper
 * grows: the file is kept with placeholder markers (`juan-pb-<k>`, the paper's k-th page break),
 * keyed by the paper's content (paper-key.ts) and its breaks' places (target, offset), and the
 * real markers are put in on the way out. The breaks that land in a paper are those whose
 * target is the paper, the chapter heading it opens or one of its own ids (`<paper id>-…`):
 * a paper is kept only when every id in its tree is one of these and each of its breaks found
 * its place, so a kept file can hold no other break. Byte for byte paperXhtml
 * (tests/epub/epub-cache.test.ts).
 */
function cachedPaperXhtml(paper: Paper, opensChapter: Chapter | null, breaks: PageBreak[], placed: Set<string>, images: Map<string, PackagedImage>, cache: BuildCache): string {
  const own = (id: string) => id === paper.id || id.startsWith(`${paper.id}-`) || id === opensChapter?.id;
  const mine = breaks.filter((pb) => own(pb.targetId));
  const key = hashKey('epub-paper', renderCodeKey(), paperContentKey(paper), opensChapterKey(opensChapter), JSON.stringify(mine.map((pb) => [pb.targetId, pb.offset])));
  const markers = mine.map((pb) => stringifyHast({ type: 'root', children: [pageBreakElement(pb)] }, { xhtml: true }));
  const fill = (xhtml: string) => xhtml.replace(PLACEHOLDER, (_all, k: string) => markers[Number(k)]!);
  const kept = cache.getJson<CachedPaper>('epubpaper', key);
  if (kept) {
    for (const img of kept.images) images.set(img.path, { path: img.path, mediaType: img.mediaType, data: Buffer.from(img.data, 'base64') });
    for (const pb of mine) placed.add(pb.id);
    return fill(kept.xhtml);
  }
  const ownImages = new Map<string, PackagedImage>();
  const tree = paperTree(paper, opensChapter, ownImages);
  const ids: string[] = [];
  visit(tree, 'element', (el) => void (typeof el.properties.id === 'string' && ids.push(el.properties.id)));
  const placeholders = mine.map((pb, k) => ({ ...pb, id: `juan-pb-${k}`, label: `juan-pb-${k}` }));
  if (!ids.every(own)) {
    // an id the rule does not foresee: any break may land here, as in paperXhtml; not kept
    for (const [path, img] of ownImages) images.set(path, img);
    for (const id of insertPageBreaks(tree, breaks)) placed.add(id);
    return paperFinish(tree, paper);
  }
  const inserted = insertPageBreaks(tree, placeholders);
  const xhtml = paperFinish(tree, paper);
  for (const [path, img] of ownImages) images.set(path, img);
  mine.forEach((pb, k) => inserted.has(`juan-pb-${k}`) && placed.add(pb.id));
  if (inserted.size === mine.length) {
    cache.putJson('epubpaper', key, { xhtml, images: [...ownImages.values()].map((img) => ({ path: img.path, mediaType: img.mediaType, data: Buffer.from(img.data).toString('base64') })) } satisfies CachedPaper);
  }
  return fill(xhtml);
}

/** Visible text of the generated XHTML (for the font subset). */
function textOf(xhtml: string): string {
  return xhtml.replace(/<[^>]*>/g, '').replace(/&(?:#x[0-9a-f]+|#\d+|[a-z]+);/gi, (ref) => {
    if (ref.startsWith('&#x')) return String.fromCodePoint(parseInt(ref.slice(3, -1), 16));
    if (ref.startsWith('&#')) return String.fromCodePoint(parseInt(ref.slice(2, -1), 10));
    return ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" } as Record<string, string>)[ref] ?? '';
  });
}

export async function renderEpub(volume: Volume, pageMap: PageMap | null, options: RenderEpubOptions = {}): Promise<Uint8Array> {
  const stage = options.onStage ?? (() => {});
  const meta = volume.meta;
  const lang = meta.language || 'zh-CN';
  if (!volume.parts.some((p) => p.chapters.some((c) => c.papers.length))) {
    throw new JuanError('content', '书中没有可以写入 EPUB 的论文', { file: volume.source, source: 'epub' });
  }
  // dcterms:modified is required; without a known date a fixed stamp keeps the EPUB reproducible
  // (it is the file's modification stamp, never shown as the book's date: dc:date is left out).
  const { modified, mtime } = fixedDate(meta.date ?? '2000-01');

  stage('epub:content');
  const breaks = planPageBreaks(pageMap);
  const placed = new Set<string>();
  const files: FileSpec[] = [];
  const images = new Map<string, PackagedImage>(); // figures (content/epub.ts)

  // The cover is drawn from glyph outlines (harfbuzz over decoded fonts, ~0.3 s): kept in the
  // cache by what it is drawn from.
  const coverKey = hashKey(COVER_VERSION, JSON.stringify([meta.title, meta.subtitle, meta.genre, meta.publisher, meta.date, meta.fonts]), fontsourceVersion(meta.fonts.heading));
  let cover = options.cache?.getJson<{ svg: string; alt: string }>('cover', coverKey);
  if (!cover) {
    cover = await coverSvg(meta);
    options.cache?.putJson('cover', coverKey, cover);
  }
  files.push({
    filename: 'cover.xhtml',
    title: '封面',
    body: ejs.render(template('cover.ejs'), { src: 'cover.svg', alt: cover.alt }),
    bodyClass: 'cover-page',
    epubType: null,
    beforeToc: true,
    excludeFromToc: true,
  });
  files.push({
    filename: 'titlepage.xhtml',
    title: meta.title,
    body: ejs.render(template('titlepage.ejs'), {
      title: meta.title,
      subtitle: meta.subtitle ?? null,
      genre: meta.genre ?? null,
      organisers: meta.organisers,
      publisher: meta.publisher ?? null,
      date: chineseDate(meta.date),
      organiserLabel,
    }),
    bodyClass: 'titlepage-page',
    epubType: 'frontmatter',
    beforeToc: true,
    excludeFromToc: true,
  });
  // front text (序, 前言…) before the 目录, as in print; its own outline starts at h1
  for (const front of volume.front ?? []) {
    const tree = frontToHast(front, 'mathml');
    unwrapNestedMo(tree);
    for (const image of packageImages(tree)) images.set(image.path, image);
    const section = tree.children.find((c) => c.type === 'element');
    if (section?.type === 'element') {
      section.properties = { ...section.properties, 'epub:type': front.title ? 'preface' : 'frontmatter' };
      outlineFromH1(section, front.title ? 2 : 3);
    }
    files.push({
      filename: `${front.id}.xhtml`,
      title: front.title ?? meta.title,
      body: stringifyHast(tree, { xhtml: true }),
      bodyClass: 'front-page',
      epubType: 'frontmatter',
      beforeToc: true,
      excludeFromToc: true,
    });
  }
  for (const part of volume.parts) {
    const papers = part.chapters.flatMap((c) => c.papers);
    if (!papers.length) continue;
    const partBreaks = breaks.filter((pb) => pb.targetId === part.id);
    const untitled = isUntitledPart(part);
    // an untitled part's page is its first paper's: the break goes before that paper's text
    if (untitled) partBreaks.forEach((pb) => (pb.targetId = papers[0]!.id));
    else partBreaks.forEach((pb) => placed.add(pb.id));
    if (!untitled) files.push({
      filename: `${part.id}.xhtml`,
      title: partHeading(part),
      body:
        partBreaks.map(pageBreakXhtml).join('') +
        ejs.render(template('part.ejs'), { id: part.id, label: part.label, name: part.title }),
      bodyClass: 'part-page',
      epubType: 'bodymatter',
      beforeToc: false,
      excludeFromToc: false,
    });
    for (const chapter of part.chapters) {
      chapter.papers.forEach((paper, i) => {
        files.push({
          filename: `${paper.id}.xhtml`,
          title: paper.title,
          body: options.cache
            ? cachedPaperXhtml(paper, i === 0 ? chapter : null, breaks, placed, images, options.cache)
            : paperXhtml(paper, i === 0 ? chapter : null, breaks, placed, images),
          bodyClass: 'paper-page',
          epubType: 'bodymatter',
          beforeToc: false,
          excludeFromToc: false,
        });
      });
    }
  }
  assertAllPlaced(breaks, placed);
  const fileOfBreak = new Map<string, string>();
  for (const f of files) for (const m of f.body.matchAll(/epub:type="pagebreak"[^>]*\sid="([^"]+)"/g)) fileOfBreak.set(m[1]!, f.filename);

  const nav = buildNav(volume);
  const pageList = breaks.map((pb) => ({ href: `${fileOfBreak.get(pb.id)}#${pb.id}`, label: pb.label }));
  const numericFolios = breaks.map((pb) => Number(pb.label)).filter((n) => Number.isInteger(n));
  const ncx = ncxNavMap(nav);

  stage('epub:styles');
  const css = stylesheets();
  const extraFiles: ExtraFile[] = [];
  const sheetHrefs: string[] = [];
  if (css.shared !== null) {
    extraFiles.push({ path: 'shared.css', data: css.shared });
    sheetHrefs.push('shared.css');
  }
  sheetHrefs.push('style.css');
  let epubCss = css.epub;

  const fonts: Array<{ filename: string; data: Uint8Array; mediaType: string }> = [];
  if (options.embedFont !== false) {
    stage('epub:font');
    // Body (Song) regular: every character of the book. Headings (Hei, shared.css gives them
    // weights 700 and 500): the characters of the headings only. Reading systems without these
    // families would otherwise fall back to whatever they have — or to nothing (tofu).
    const allText = [meta.title, meta.subtitle ?? '', ...files.map((f) => f.title + textOf(f.body)), ...nav.flatMap((p) => [p.label, ...p.children.flatMap((c) => [c.label, ...(c.kind === 'chapter' ? c.children.map((x) => x.label + (x.subtitle ?? '') + (x.unit ?? '')) : [(c.subtitle ?? '') + (c.unit ?? '')])])]), '目录导览正文扉页封面'].join('');
    // …and the run-in （一） heads, set in Hei like the section heads (shared.css p.numbering-2 > strong),
    // and the table and figure captions (content.css: Hei 500)
    const headingText = ['目录', ...files.flatMap((f) => [
      ...[...f.body.matchAll(/<(h[1-6]|caption|figcaption)\b[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => textOf(m[2]!)),
      ...[...f.body.matchAll(/<p\b[^>]*class="[^"]*\bnumbering-2\b[^"]*"[^>]*>\s*<strong\b[^>]*>([\s\S]*?)<\/strong>/g)].map((m) => textOf(m[1]!)),
    ])].join('');
    // Kai (shared.css): units, emphasis, block quotes.
    const kaiText = files
      .flatMap((f) => [...f.body.matchAll(/<(p|em|i|blockquote)\b([^>]*)>([\s\S]*?)<\/\1>/g)].filter((m) => m[1] !== 'p' || /class="[^"]*paper-unit/.test(m[2]!)).map((m) => textOf(m[3]!)))
      .join('');
    const faces: string[] = [];
    const embed = async (pkg: string, weight: number, text: string, prefix: string) => {
      const family = fontsourceFamily(pkg);
      // Spaces included: a space outside every unicode-range is set in the reader's fallback font.
      const { parts } = await subsetFace({ pkg, family, weight }, usedCodePoints(text), options.cache);
      parts.forEach((s, i) => {
        const ext = s.format === 'opentype' ? 'otf' : 'ttf';
        const filename = `${prefix}-${weight}-${i + 1}.${ext}`;
        fonts.push({ filename, data: s.data, mediaType: s.format === 'opentype' ? 'font/otf' : 'font/ttf' });
        faces.push(
          `@font-face {\n  font-family: "${family}";\n  font-style: normal;\n  font-weight: ${weight};\n  src: url("fonts/${filename}") format("${s.format}");\n  unicode-range: ${unicodeRange(s.codepoints)};\n}`,
        );
      });
      return family;
    };
    const bodyFamily = await embed(meta.fonts.body, 400, allText, 'body');
    const headingFamily = await embed(meta.fonts.heading, 700, headingText, 'heading');
    await embed(meta.fonts.heading, 500, headingText, 'heading');
    const kaiFamily = kaiText ? await embed(meta.fonts.kai, 500, kaiText, 'kai') : null;
    // Code (content.css: JetBrains Mono, then the body's Song for Chinese comments): the characters
    // of the book's code. Without it a reader set the code in the embedded Song's Latin — proportional.
    const codeText = files.flatMap((f) => [...f.body.matchAll(/<code\b[^>]*>([\s\S]*?)<\/code>/g)].map((m) => textOf(m[1]!))).join('');
    const codeFamily = codeText ? await embed(CODE_FONT_PACKAGE, 400, codeText, 'code') : null;
    const total = fonts.reduce((n, f) => n + f.data.byteLength, 0);
    if (total > 3 * 1024 * 1024) {
      throw new JuanError('render', `嵌入的字体子集过大：${(total / 1048576).toFixed(1)} MB（上限 3 MB）`, { source: 'epub:font', hint: '用 embedFont: false 构建，改用阅读器的系统字体' });
    }
    epubCss = `/* Embedded: subsets of ${[bodyFamily, headingFamily, kaiFamily, codeFamily].filter(Boolean).join(', ')} (SIL OFL 1.1) with exactly the characters of this book. */\n${faces.join('\n')}\n\n${epubCss}`;
  }

  stage('epub:package');
  const manifest: Array<{ id: string; href: string; mediaType: string; properties?: string }> = [
    { id: 'nav', href: 'toc.xhtml', mediaType: 'application/xhtml+xml', properties: 'nav' },
    { id: 'ncx', href: 'toc.ncx', mediaType: 'application/x-dtbncx+xml' },
    ...(css.shared !== null ? [{ id: 'css-shared', href: 'shared.css', mediaType: 'text/css' }] : []),
    { id: 'css-epub', href: 'style.css', mediaType: 'text/css' },
    { id: 'cover-image', href: 'cover.svg', mediaType: 'image/svg+xml', properties: 'cover-image' },
    ...fonts.map((f, i) => ({ id: `font-${i + 1}`, href: `fonts/${f.filename}`, mediaType: f.mediaType })),
    ...[...images.values()].map((img, i) => ({ id: `image-${i + 1}`, href: img.path, mediaType: img.mediaType })),
    ...files.map((f) => ({ id: `x-${f.filename.replace(/\.xhtml$/, '')}`, href: f.filename, mediaType: 'application/xhtml+xml', ...(hasMathml(f.body) ? { properties: 'mathml' } : {}) })),
  ];
  for (const img of images.values()) extraFiles.push({ path: img.path, data: img.data });
  const itemId = (filename: string) => `x-${filename.replace(/\.xhtml$/, '')}`;
  const spine = [...files.filter((f) => f.beforeToc).map((f) => itemId(f.filename)), 'nav', ...files.filter((f) => !f.beforeToc).map((f) => itemId(f.filename))];
  const firstBody = files.find((f) => !f.beforeToc)!;
  const landmarks = [
    { type: 'cover', href: 'cover.xhtml', label: '封面' },
    { type: 'titlepage', href: 'titlepage.xhtml', label: '扉页' },
    { type: 'toc', href: 'toc.xhtml#toc', label: '目录' },
    { type: 'bodymatter', href: firstBody.filename, label: '正文' },
  ];

  const agents = meta.organisers.flatMap((o) =>
    o.names.map((name) => ({ name, role: o.role, relator: RELATORS[o.role] ?? 'ctb', element: o.role === '主办' ? 'creator' : 'contributor' })),
  );
  agents.sort((a, b) => (a.element === b.element ? 0 : a.element === 'creator' ? -1 : 1));
  const paperCount = volume.parts.reduce((n, p) => n + p.chapters.reduce((m, c) => m + c.papers.length, 0), 0);
  const description =
    meta.description ??
    `${meta.title}${meta.subtitle ? `——${meta.subtitle}` : ''}。${meta.genre ?? '论文集'}，收录论文 ${paperCount} 篇${meta.publisher ? `，${meta.publisher}编印` : ''}。`;
  const pagination = breaks.length
    ? { source: `${meta.title}（印刷版${meta.publisher ? `，${meta.publisher}` : ''}${meta.date ? `，${chineseDate(meta.date)}` : ''}）` }
    : null;
  const features = ['tableOfContents', 'readingOrder', 'structuralNavigation', ...(pagination ? ['printPageNumbers', 'pageBreakMarkers'] : [])];
  const accessibility = [
    { property: 'schema:accessMode', value: 'textual' },
    { property: 'schema:accessMode', value: 'visual' },
    { property: 'schema:accessModeSufficient', value: 'textual' },
    ...features.map((value) => ({ property: 'schema:accessibilityFeature', value })),
    { property: 'schema:accessibilityHazard', value: 'none' },
    {
      property: 'schema:accessibilitySummary',
      value:
        '本书为文字出版物，以 UTF-8 文本编排，标题层级与阅读顺序同印刷版，目录按篇、章、论文分级导航' +
        (pagination ? '；正文中标有印刷版页码，并提供页码列表' : '') +
        '；封面图片附有文字说明；不含声音、闪烁或动画内容。符合 EPUB Accessibility 1.1 与 WCAG 2.1 AA 级要求。',
    },
    { property: 'dcterms:conformsTo', value: 'EPUB Accessibility 1.1 - WCAG 2.1 Level AA' },
  ];

  const juan = {
    subtitle: meta.subtitle ?? null,
    date: meta.date,
    modified,
    agents: agents.map((a, i) => ({ ...a, id: `agent-${i + 1}` })),
    keywords: meta.keywords,
    pagination,
    accessibility,
    manifest,
    spine,
    nav,
    landmarks,
    pageList,
    stylesheets: sheetHrefs,
    ncx: { navMap: ncx.xml, depth: ncx.depth, maxPageNumber: numericFolios.length ? Math.max(...numericFolios) : 0 },
  };

  const content: EpubChapter[] = files.map((f) => ({
    title: f.title,
    content: f.body,
    filename: f.filename,
    beforeToc: f.beforeToc,
    excludeFromToc: f.excludeFromToc,
    // extra fields for our chapter template
    ...({ bodyClass: f.bodyClass, epubType: f.epubType, stylesheets: sheetHrefs } as object),
  }));

  const epub = new JuanEpub(
    {
      title: meta.title,
      author: agents.filter((a) => a.element === 'creator').map((a) => a.name),
      publisher: meta.publisher ?? '',
      description,
      date: meta.date ?? modified, // epub-gen-memory wants one; our OPF template prints juan.date only
      lang,
      tocTitle: '目录',
      css: epubCss,
      version: 3,
      prependChapterTitles: false,
      verbose: false,
      contentOPF: template('content.opf.ejs'),
      tocXHTML: template('nav.xhtml.ejs'),
      tocNCX: template('toc.ncx.ejs'),
      chapterXHTML: template('chapter.xhtml.ejs'),
      juan,
    },
    content,
    {
      identifier: meta.identifier,
      rawContent: files.map((f) => f.body),
      cover: { data: cover.svg, extension: 'svg', mediaType: 'image/svg+xml' },
      fonts: fonts.map((f) => ({ filename: f.filename, data: f.data })),
      files: extraFiles,
      mtime,
    },
  );
  try {
    const bytes = await epub.build();
    stage('epub:done');
    return bytes;
  } catch (cause) {
    if (cause instanceof JuanError) throw cause;
    throw new JuanError('render', `EPUB 生成失败：${(cause as Error).message}`, { source: 'epub', cause });
  }
}
