/**
 * The small PDF `juan preview` sends the open page first (pipeline/preview/page-pdf.ts): each of
 * its pages is that page of the seed's book.pdf — poppler reads the same text and draws the same
 * pixels — with fonts cut down to the glyphs those pages show; and the server's "which page has
 * the edit" reads pages as glyphs, so it tells pages with different text apart.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { pagesPdf, pageTextKey, readOperators } from '../../pipeline/preview/page-pdf.ts';
import { glyphsWithOutlines } from '../../pipeline/render/fonts/glyphs.ts';

const tmp = mkdtempSync(join(tmpdir(), 'juan-pages-'));

function pageText(pdf: string, n: number): string {
  return spawnSync('pdftotext', ['-enc', 'UTF-8', '-f', String(n), '-l', String(n), pdf, '-'], { encoding: 'utf8' }).stdout;
}

function pixels(pdf: string, n: number): Buffer {
  const prefix = join(tmp, `px-${Math.random().toString(36).slice(2)}`);
  spawnSync('pdftoppm', ['-r', '50', '-f', String(n), '-l', String(n), '-singlefile', pdf, prefix]);
  return readFileSync(`${prefix}.ppm`);
}

/** Glyph outlines in each embedded TrueType font of a PDF, by font name without the subset tag. */
function outlines(doc: PDFDocument): Map<string, number> {
  const found = new Map<string, number>();
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || !obj.has(PDFName.of('FontFile2'))) continue;
    const file = obj.lookup(PDFName.of('FontFile2')) as PDFRawStream;
    const name = (obj.lookup(PDFName.of('FontName')) as PDFName).asString().replace(/^\/([A-Z]{6}\+)?/, '');
    found.set(name, glyphsWithOutlines(inflateSync(file.contents)).size);
  }
  return found;
}

describe('the preview\'s page PDF', () => {
  const bookPdf = join(inject('seedOut'), 'book.pdf');
  let book: PDFDocument;
  let texts: string[];

  beforeAll(async () => {
    expect(inject('seedBuildError')).toBeNull();
    book = await PDFDocument.load(readFileSync(bookPdf), { updateMetadata: false });
    texts = Array.from({ length: book.getPageCount() }, (_, i) => pageText(bookPdf, i + 1));
  });

  it('has the pages asked for, each the same text and pixels as in book.pdf, with fonts of those pages\' glyphs only', async () => {
    // A paper's first page (heads, Kai unit line, body) and a body page after it, out of order on purpose.
    const first = texts.findIndex((t) => t.includes('当前经济转型主要有两条主线')) + 1;
    expect(first).toBeGreaterThan(1);
    const asked = [first + 1, first];
    const bytes = await pagesPdf(book, asked.map((n) => n - 1));
    const file = join(tmp, 'pages.pdf');
    writeFileSync(file, bytes);
    const small = await PDFDocument.load(bytes);
    expect(small.getPageCount()).toBe(2);
    for (const [i, n] of asked.entries()) {
      expect(pageText(file, i + 1)).toBe(texts[n - 1]);
      expect(pageText(file, i + 1).replace(/\s+/g, '').length).toBeGreaterThan(100);
      expect(pixels(file, i + 1).equals(pixels(bookPdf, n))).toBe(true);
    }
    // The body face keeps only what two pages show: far fewer outlines than the book's copy.
    const before = outlines(book);
    const after = outlines(small);
    const body = [...after.keys()].find((k) => k.startsWith('NotoSerifSC-Regular'))!;
    expect(body).toBeDefined();
    expect(after.get(body)!).toBeGreaterThan(50);
    expect(after.get(body)!).toBeLessThan(before.get(body)! / 2);
    // Each font keeps its glyph count (ids unchanged), so loca and hmtx stay: the seed's two pages are about a third of its 29.
    expect(bytes.length).toBeLessThan(readFileSync(bookPdf).length / 2);
    // No link took another page (and the book) along; book.pdf's own page keeps its links.
    expect(small.getPages().every((p) => !p.node.has(PDFName.of('Annots')))).toBe(true);
  });

  it('the page with a link keeps it in book.pdf after its copy was made', async () => {
    const withLinks = book.getPages().findIndex((p) => p.node.has(PDFName.of('Annots')));
    expect(withLinks).toBeGreaterThanOrEqual(0); // the 目录 links to the papers
    await pagesPdf(book, [withLinks]);
    expect(book.getPage(withLinks).node.has(PDFName.of('Annots'))).toBe(true);
  });

  it('reads a page as glyphs: pages with other text have other keys, the same page the same key', async () => {
    const keys = book.getPages().map((p) => pageTextKey(p));
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) {
        if (texts[i] !== texts[j]) expect(keys[i], `pages ${i + 1} and ${j + 1}`).not.toBe(keys[j]);
      }
    }
    const again = await PDFDocument.load(readFileSync(bookPdf), { updateMetadata: false });
    expect(again.getPages().map((p) => pageTextKey(p))).toEqual(keys);
  });

  it('reads content-stream syntax: literal strings with escapes and nesting, hex strings, TJ arrays; gives up on inline images', () => {
    const shown: string[] = [];
    const ok = readOperators(new TextEncoder().encode('BT /F1 12 Tf (a\\(b\\)c (nested) \\101\\\nz) Tj [<0041 0042> -20 (C)] TJ <41 4> Tj ET % (not) Tj\n'), (op, operands) => {
      if (op === 'Tj') shown.push(...operands.flatMap((o) => (o.kind === 'string' ? [Buffer.from(o.value).toString('latin1')] : [])));
      if (op === 'TJ' && operands[0]?.kind === 'array') shown.push(operands[0].value.map((o) => (o.kind === 'string' ? Buffer.from(o.value).toString('latin1') : '|')).join(''));
    });
    expect(ok).toBe(true);
    expect(shown).toEqual(['a(b)c (nested) Az', '\0A\0B|C', 'A@']);
    expect(readOperators(new TextEncoder().encode('q BI /W 1 /H 1 ID \xff EI Q'), () => {})).toBe(false);
  });
});
