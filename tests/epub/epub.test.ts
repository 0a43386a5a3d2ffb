/**
 * The EPUB writer, end to end on the seed: build from the volume model + a print page map,
 * open the zip, assert structure, page synchronisation, language, text encoding, safety,
 * reproducibility, and run epubcheck.
 *
 * Page map: the print layout's real one once `renderPrint` exists (pipeline/render/print/index.ts),
 * else a synthetic one shaped like it (tests/fixtures/epub/page-map.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EPub } from 'epub-gen-memory';
import type { PageMap, Volume } from '../../pipeline/model/types.ts';
import { renderEpub } from '../../pipeline/render/epub/index.ts';
import { JuanError } from '../../pipeline/report/errors.ts';
import { PAGE_BREAK_PARAGRAPH, seedVolume, twoPartVolume } from '../fixtures/epub/volumes.ts';
import { syntheticPageMap } from '../fixtures/epub/page-map.ts';
import {
  countBySeverity,
  epubcheck,
  epubcheckUnavailable,
  firstEntry,
  nonAsciiCharRefs,
  selectAll,
  selectOne,
  textContent,
  unzip,
  withEntry,
  bodyFolios,
  xml,
  type Element,
  type Unzipped,
} from './helpers.ts';

let volume: Volume;
let pageMap: PageMap;
let epub: Uint8Array;
let book: Unzipped;

const xhtmlNames = () => book.names.filter((n) => n.endsWith('.xhtml'));

beforeAll(async () => {
  volume = seedVolume();
  pageMap = syntheticPageMap(volume);
  epub = await renderEpub(volume, pageMap);
  book = await unzip(epub);
});

describe('container', () => {
  it('has mimetype as the first entry, stored, without extra field', () => {
    const first = firstEntry(epub);
    expect(first.signature).toBe(0x04034b50);
    expect(first.name).toBe('mimetype');
    expect(first.method).toBe(0); // stored
    expect(first.extraLength).toBe(0);
    expect(first.data).toBe('application/epub+zip');
  });

  it('uses ASCII file names: one XHTML per paper named by paper.id', () => {
    for (const name of book.names) expect(name).toMatch(/^[\x21-\x7e]+$/);
    for (const paper of volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers))) {
      expect(book.names).toContain(`OEBPS/${paper.id}.xhtml`);
    }
  });

  it('two builds from the same input are byte-identical', async () => {
    const again = await renderEpub(seedVolume(), syntheticPageMap(seedVolume()));
    expect(Buffer.from(again).equals(Buffer.from(epub))).toBe(true);
  });

  it('a build in another process, in another time zone, is byte-identical too', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'juan-epub-')), 'book.epub');
    const script = fileURLToPath(new URL('../fixtures/epub/build-seed-epub.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    execFileSync(tsx, [script, out], { env: { ...process.env, TZ: 'Pacific/Kiritimati' }, stdio: 'pipe' });
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(epub))).toBe(true);
  });
});

describe('package document', () => {
  let opf: ReturnType<typeof xml>;
  beforeAll(() => {
    opf = xml(book.text('OEBPS/content.opf'));
  });
  const metas = (property: string) => selectAll(`meta[property="${property}"]`, opf).map((m) => textContent(m));

  it('declares zh-CN on the package and in dc:language', () => {
    expect(selectOne('package', opf)!.attribs['xml:lang']).toBe('zh-CN');
    expect(textContent(selectOne('dc\\:language', opf)!)).toBe('zh-CN');
  });

  it('has the stable identifier, titles, organisers with roles, publisher, dates, description', () => {
    const id = selectOne('dc\\:identifier', opf)!;
    expect(selectOne('package', opf)!.attribs['unique-identifier']).toBe(id.attribs.id);
    expect(textContent(id)).toBe(volume.meta.identifier);
    const titles = selectAll('dc\\:title', opf);
    expect(textContent(titles[0]!)).toBe(volume.meta.title);
    expect(textContent(titles[1]!)).toBe(volume.meta.subtitle);
    expect(textContent(selectOne(`meta[refines="#${titles[1]!.attribs.id}"][property="title-type"]`, opf)!)).toBe('subtitle');
    const agents = [...selectAll('dc\\:creator', opf), ...selectAll('dc\\:contributor', opf)];
    expect(agents.map(textContent).sort()).toEqual(volume.meta.organisers.flatMap((o) => o.names).sort());
    for (const agent of agents) {
      const role = selectOne(`meta[refines="#${agent.attribs.id}"][property="role"]`, opf)!;
      expect(role.attribs.scheme).toBe('marc:relators');
      expect(textContent(role)).toMatch(/^[a-z]{3}$/);
    }
    expect(textContent(selectOne('dc\\:publisher', opf)!)).toBe(volume.meta.publisher);
    expect(textContent(selectOne('dc\\:date', opf)!)).toBe(volume.meta.date);
    expect(metas('dcterms:modified')).toEqual([`${volume.meta.date}-01T00:00:00Z`]);
    expect(textContent(selectOne('dc\\:description', opf)!).length).toBeGreaterThan(10);
  });

  it('declares the print edition as the pagination source', () => {
    const source = selectOne('dc\\:source', opf)!;
    expect(textContent(source)).toContain(volume.meta.title);
    expect(textContent(selectOne(`meta[refines="#${source.attribs.id}"][property="source-of"]`, opf)!)).toBe('pagination');
  });

  it('has EPUB Accessibility 1.1 metadata', () => {
    expect(metas('schema:accessMode')).toContain('textual');
    expect(metas('schema:accessModeSufficient')).toContain('textual');
    expect(metas('schema:accessibilityFeature')).toEqual(
      expect.arrayContaining(['tableOfContents', 'printPageNumbers', 'readingOrder', 'structuralNavigation']),
    );
    expect(metas('schema:accessibilityHazard')).toEqual(['none']);
    expect(metas('schema:accessibilitySummary')[0]!.length).toBeGreaterThan(20);
    expect(metas('dcterms:conformsTo')).toEqual(['EPUB Accessibility 1.1 - WCAG 2.1 Level AA']);
  });

  it('declares the generated SVG cover as cover-image and starts the spine with cover, title page, 目录', () => {
    const cover = selectOne('item[properties~="cover-image"]', opf)!;
    expect(cover.attribs['media-type']).toBe('image/svg+xml');
    expect(book.text(`OEBPS/${cover.attribs.href}`)).toMatch(/^<\?xml[^>]*>\s*<svg /);
    expect(book.text(`OEBPS/${cover.attribs.href}`)).not.toMatch(/<text\b|<image\b|<script\b/);
    const spine = selectAll('itemref', opf).map((i) => i.attribs.idref);
    const href = (id: string) => selectOne(`item[id="${id}"]`, opf)!.attribs.href;
    expect(spine.slice(0, 3).map((id) => href(id!))).toEqual(['cover.xhtml', 'titlepage.xhtml', 'toc.xhtml']);
    expect(selectOne(`item[id="${spine[2]}"]`, opf)!.attribs.properties).toBe('nav');
  });
});

describe('cover', () => {
  it('draws every character of title, subtitle, genre, publisher and date as a glyph outline', () => {
    const svg = book.text('OEBPS/cover.svg');
    const m = volume.meta;
    const [y, mo] = m.date!.split('-');
    const text = [m.title, m.subtitle ? `——${m.subtitle}` : '', m.genre ?? '', m.publisher ?? '', `${y}年${Number(mo)}月`].join('');
    const paths = [...svg.matchAll(/<path [^>]*d="([^"]*)"/g)].map((x) => x[1]!);
    expect(paths.every((d) => d.length > 0)).toBe(true);
    // Noto Sans SC joins —— (two U+2014) into one two-em glyph
    expect(paths).toHaveLength([...text.replaceAll('——', '—')].filter((c) => c.trim() !== '').length);
    expect(svg).toContain(`<title>封面　${m.title}`);
  });
});

describe('navigation', () => {
  it('nests the 目录 篇 → 章 → paper', async () => {
    const nav = xml(book.text('OEBPS/toc.xhtml'));
    const toc = selectOne('nav[epub\\:type="toc"]', nav)!;
    const parts = selectAll(':scope > ol > li', toc);
    expect(parts.map((li) => textContent(selectOne(':scope > a', li)!))).toEqual(volume.parts.map((p) => `${p.label} ${p.title}`));
    volume.parts.forEach((part, i) => {
      const chapters = selectAll(':scope > ol > li', parts[i]!);
      expect(chapters.map((li) => textContent(selectOne(':scope > a', li)!))).toEqual(part.chapters.map((c) => `${c.label} ${c.title}`));
      part.chapters.forEach((chapter, j) => {
        const papers = selectAll(':scope > ol > li > a', chapters[j]!);
        expect(papers.map((a) => a.attribs.href!.split('#')[0])).toEqual(chapter.papers.map((p) => `${p.id}.xhtml`));
        papers.forEach((a, k) => expect(textContent(a).startsWith(chapter.papers[k]!.title)).toBe(true));
      });
    });
  });

  it('lists the papers of a part without 章 directly under the 篇', async () => {
    const v = twoPartVolume();
    const other = await unzip(await renderEpub(v, null, { embedFont: false }));
    const nav = xml(other.text('OEBPS/toc.xhtml'));
    const parts = selectAll('nav[epub\\:type="toc"] > ol > li', nav);
    expect(parts).toHaveLength(2);
    const second = selectAll(':scope > ol > li', parts[1]!);
    expect(second.map((li) => selectOne(':scope > a', li)!.attribs.href)).toEqual(v.parts[1]!.chapters[0]!.papers.map((p) => `${p.id}.xhtml`));
    expect(selectAll(':scope > ol > li > ol', parts[1]!)).toHaveLength(0);
    // and the NCX nests the same way
    const ncx = xml(other.text('OEBPS/toc.ncx'));
    expect(selectAll('navMap > navPoint', ncx)).toHaveLength(2);
    expect(selectAll('navMap > navPoint:nth-child(1) > navPoint > navPoint', ncx)).toHaveLength(v.parts[0]!.chapters[0]!.papers.length);
    expect(selectAll('navMap > navPoint:nth-child(2) > navPoint > navPoint', ncx)).toHaveLength(0);
    // no page map: no page-list, no printPageNumbers claim
    expect(selectOne('nav[epub\\:type="page-list"]', nav)).toBeNull();
    expect(other.text('OEBPS/content.opf')).not.toContain('printPageNumbers');
  });

  it('has landmarks for cover, toc and bodymatter that resolve', () => {
    const nav = xml(book.text('OEBPS/toc.xhtml'));
    const links = selectAll('nav[epub\\:type="landmarks"] a', nav);
    const types = links.map((a) => a.attribs['epub:type']);
    expect(types).toEqual(expect.arrayContaining(['cover', 'toc', 'bodymatter']));
    for (const a of links) expect(book.names).toContain(`OEBPS/${a.attribs.href!.split('#')[0]}`);
  });
});

describe('print page numbers', () => {

  it('page-list entries are the PDF body folios, in order', () => {
    const nav = xml(book.text('OEBPS/toc.xhtml'));
    const labels = selectAll('nav[epub\\:type="page-list"] a', nav).map(textContent);
    expect(labels).toEqual(bodyFolios(pageMap));
    expect(labels.length).toBeGreaterThan(10);
  });

  it('each page-list target is a page-break marker in the file where that page begins', () => {
    const nav = xml(book.text('OEBPS/toc.xhtml'));
    const links = selectAll('nav[epub\\:type="page-list"] a', nav);
    const partIds = new Set(volume.parts.map((p) => p.id));
    links.forEach((a, i) => {
      const start = pageMap.pageStarts[i]!;
      const [file, id] = a.attribs.href!.split('#') as [string, string];
      const expectedFile = partIds.has(start.blockId) ? `${start.blockId}.xhtml` : `${start.blockId.replace(/-b\d+$/, '')}.xhtml`;
      expect(file).toBe(expectedFile);
      const source = book.text(`OEBPS/${file}`);
      const doc = xml(source);
      const marker = selectOne(`[id="${id}"]`, doc)!;
      expect(marker, `${file}#${id}`).toBeTruthy();
      expect(marker.name).toBe('span');
      expect(marker.attribs['epub:type']).toBe('pagebreak');
      expect(marker.attribs.role).toBe('doc-pagebreak');
      expect(marker.attribs['aria-label']).toBe(start.folio);
      expect(marker.children).toHaveLength(0);
      expect(source).toMatch(new RegExp(`<span [^>]*id="${id}"[^>]*></span>`)); // open+close pair, not self-closed
    });
  });

  it('puts each marker at the exact character offset inside its block', () => {
    for (const start of pageMap.pageStarts.filter((s) => s.offset > 0)) {
      const paperId = start.blockId.replace(/-b\d+$/, '');
      const doc = xml(book.text(`OEBPS/${paperId}.xhtml`));
      const block = selectOne(`[id="${start.blockId}"]`, doc)!;
      // text before the marker, within the block
      let before = '';
      let found = false;
      const walk = (node: Element) => {
        for (const child of node.children) {
          if (found) return;
          if (child.type === 'text') before += (child as unknown as { data: string }).data;
          else if ((child as Element).attribs?.['aria-label'] === start.folio && (child as Element).attribs['epub:type'] === 'pagebreak') found = true;
          else if ('children' in child) walk(child as Element);
        }
      };
      walk(block);
      expect(found, start.blockId).toBe(true);
      expect([...before].length).toBe(start.offset);
    }
  });

  it(`keeps the seed's page-break paragraph (${PAGE_BREAK_PARAGRAPH}) one <p>, with the marker between 人民幸 and 福感`, () => {
    const hits = xhtmlNames().flatMap((name) =>
      selectAll('p', xml(book.text(name))).filter((p) => textContent(p).includes(PAGE_BREAK_PARAGRAPH)).map((p) => ({ name, p })),
    );
    expect(hits).toHaveLength(1);
    const { p } = hits[0]!;
    expect(selectAll('p', p)).toHaveLength(0);
    const serialized = book.text(hits[0]!.name);
    expect(serialized).toMatch(/人民幸<span epub:type="pagebreak" role="doc-pagebreak" id="p\d+" aria-label="\d+"><\/span>福感/);
  });

  it('rejects a page map from another build (a block id the book does not have)', async () => {
    const broken: PageMap = { ...pageMap, pageStarts: [...pageMap.pageStarts, { page: 999, folio: '999', blockId: 'p99-nothing-b0', offset: 3 }] };
    await expect(renderEpub(seedVolume(), broken, { embedFont: false })).rejects.toBeInstanceOf(JuanError);
  });
});

describe('content documents', () => {
  it('declares xml:lang and lang zh-CN on every XHTML file', () => {
    expect(xhtmlNames().length).toBeGreaterThan(5);
    for (const name of xhtmlNames()) {
      const html = selectOne('html', xml(book.text(name)))!;
      expect(html.attribs['xml:lang'], name).toBe('zh-CN');
      expect(html.attribs.lang, name).toBe('zh-CN');
    }
  });

  it('stores Chinese as UTF-8 text, never as numeric character references', () => {
    for (const name of book.names.filter((n) => /\.(xhtml|opf|ncx|svg|css)$/.test(n))) {
      expect(nonAsciiCharRefs(book.text(name)), name).toEqual([]);
    }
    expect(book.text(`OEBPS/${volume.parts[0]!.chapters[0]!.papers[0]!.id}.xhtml`)).toContain(volume.parts[0]!.chapters[0]!.papers[0]!.title);
  });

  it('the CJK check catches what the library alone writes (&#x…; for every character)', async () => {
    const stock = new EPub({ title: '测试', verbose: false }, [{ title: '中文', content: '<p>中文段落</p>' }]);
    const bytes = await stock.genEpub();
    const stockBook = await unzip(new Uint8Array(bytes));
    const chapter = stockBook.names.find((n) => n.endsWith('.xhtml') && !n.endsWith('toc.xhtml'))!;
    expect(nonAsciiCharRefs(stockBook.text(chapter)).length).toBeGreaterThan(0);
  });

  it('has no script, iframe, or remote resource', () => {
    for (const name of book.names.filter((n) => /\.(xhtml|opf|ncx|svg|css)$/.test(n))) {
      const text = book.text(name);
      expect(text, name).not.toMatch(/<script\b|<iframe\b|<object\b|<embed\b/i);
      expect(text, name).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//i);
      expect(text, name).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
      expect(text, name).not.toMatch(/@import/);
    }
  });

  it('has the same headings and paragraphs as the model (one file per paper, title, unit, body blocks)', () => {
    for (const chapter of volume.parts.flatMap((p) => p.chapters)) {
      for (const paper of chapter.papers) {
        const doc = xml(book.text(`OEBPS/${paper.id}.xhtml`));
        expect(textContent(selectOne('.paper-title', doc)!)).toBe(paper.title);
        if (paper.unit) expect(textContent(selectOne('.paper-unit', doc)!)).toBe(paper.unit);
        const blocks = selectAll('.paper-body > *:not(span)', doc);
        expect(blocks).toHaveLength(paper.body.length);
        blocks.forEach((b, n) => expect(b.attribs.id).toBe(`${paper.id}-b${n}`));
      }
    }
  });

  it('links the stylesheets that exist and embeds a body font subset under 3 MB covering the text', async () => {
    const opf = xml(book.text('OEBPS/content.opf'));
    const fonts = selectAll('item[href^="fonts/"]', opf);
    expect(fonts.map((f) => f.attribs.href)).toEqual(expect.arrayContaining(['fonts/body-400-1.ttf', 'fonts/heading-700-1.ttf']));
    const total = fonts.reduce((n, f) => n + book.bytes(`OEBPS/${f.attribs.href}`).byteLength, 0);
    expect(total).toBeLessThan(3 * 1024 * 1024);
    const css = book.text('OEBPS/style.css');
    expect(css).toMatch(/@font-face[^}]*url\("fonts\//);
    // The space is in the subsets of text that has spaces (headings: 第一章 提高…), or it would be
    // set in the reader's fallback font; the Kai face (units, quotes) is embedded as well.
    const faces = [...css.matchAll(/@font-face\s*\{([^}]*)\}/g)].map((m) => m[1]!);
    const heading = faces.filter((f) => /heading-\d+-1\.ttf/.test(f));
    expect(heading.length).toBe(2);
    for (const face of heading) expect(face, face).toMatch(/unicode-range: U\+20[,-]/);
    expect(faces.some((f) => /font-family: "LXGW WenKai"/.test(f))).toBe(true);
    // the run-in （一） heads are set in bold Hei too (shared.css): every character of them is in
    // the bold heading subset, or the reader shows a gap (「（一）工业　　不断」 before the fix)
    const inRange = (range: string) => {
      const spans = [...range.matchAll(/U\+([0-9A-F]+)(?:-([0-9A-F]+))?/gi)].map((m) => [parseInt(m[1]!, 16), parseInt(m[2] ?? m[1]!, 16)] as const);
      return (cp: number) => spans.some(([a, b]) => cp >= a && cp <= b);
    };
    const bold = faces.filter((f) => /heading-700-\d+\.ttf/.test(f)).map((f) => inRange(/unicode-range:([^;]*)/.exec(f)?.[1] ?? ''));
    const runIn = xhtmlNames().flatMap((name) => selectAll('p.numbering-2 > strong', xml(book.text(name))).map((el) => textContent(el)));
    expect(runIn.length).toBeGreaterThan(0);
    for (const head of runIn) for (const ch of head.replace(/\s/g, '')) expect(bold.some((covers) => covers(ch.codePointAt(0)!)), `${ch} in 「${head}」`).toBe(true);
    for (const name of xhtmlNames()) {
      for (const link of selectAll('link[rel="stylesheet"]', xml(book.text(name)))) {
        expect(book.names, `${name} → ${link.attribs.href}`).toContain(`OEBPS/${link.attribs.href}`);
      }
    }
  });
});

describe('epubcheck', () => {
  const unavailable = epubcheckUnavailable();

  it.skipIf(unavailable)(`reports 0 fatals / 0 errors / 0 warnings${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
    const messages = epubcheck(epub);
    const problems = messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity));
    expect(problems.map((m) => `${m.severity} ${m.ID} ${m.locations[0]?.path ?? ''}:${m.locations[0]?.line ?? ''} ${m.message}`)).toEqual([]);
    expect(countBySeverity(messages)).toEqual({ fatal: 0, error: 0, warning: 0 });
  });

  it.skipIf(unavailable)('and does flag a broken EPUB (the check is live)', async () => {
    const broken = await withEntry(epub, 'OEBPS/toc.xhtml', (t) => t.replace(/href="p\d+-[0-9a-f]+\.xhtml/, 'href="missing.xhtml'));
    expect(countBySeverity(epubcheck(broken)).error).toBeGreaterThan(0);
  });
});

describe('heading outline and nav (issue 16)', () => {
  it('starts every paper file at h1 (chapter heading or paper title), sections below, no rank skipped', () => {
    for (const chapter of volume.parts.flatMap((p) => p.chapters)) {
      chapter.papers.forEach((paper, i) => {
        const doc = xml(book.text(`OEBPS/${paper.id}.xhtml`));
        const headings = selectAll('h1, h2, h3, h4, h5, h6', doc);
        const ranks = headings.map((h) => Number(h.name.slice(1)));
        expect(ranks[0], paper.id).toBe(1);
        expect(ranks.filter((r) => r === 1), paper.id).toHaveLength(1);
        const title = selectOne('.paper-title', doc)!;
        expect(title.name).toBe(i === 0 && chapter.title ? 'h2' : 'h1');
        for (let k = 1; k < ranks.length; k++) expect(ranks[k]! - ranks[k - 1]!, `${paper.id} heading ${k}`).toBeLessThanOrEqual(1);
        // sections sit below the paper title
        for (const h of selectAll('.section-1, .section-2, .section-3', doc)) expect(Number(h.name.slice(1))).toBeGreaterThan(Number(title.name.slice(1)));
      });
    }
  });

  it('lists each paper’s subtitle in the nav, as the printed 目录 does', () => {
    const nav = xml(book.text('OEBPS/toc.xhtml'));
    const withSubtitle = volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers)).filter((p) => p.subtitle);
    expect(withSubtitle.length).toBeGreaterThan(0);
    const subtitles = selectAll('.toc-subtitle', nav).map((e) => textContent(e));
    for (const paper of withSubtitle) expect(subtitles).toContain(`——${paper.subtitle}`);
  });

  it('gives every heading level space in style.css', () => {
    const css = book.text('OEBPS/style.css');
    for (const cls of ['section-1', 'section-2', 'section-3']) expect(css).toMatch(new RegExp(`\\.${cls}[^{]*\\{[^}]*margin`));
  });
});
