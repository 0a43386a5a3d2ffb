/**
 * The 目录's links in book.pdf, read back with pdfjs-dist as a viewer follows them: one link per
 * 目录 entry of a delivered paper, each to an explicit page (a named destination would go
 * nowhere: the merged book has no name tree), that page being the paper's first (its label is
 * the folio printed at the end of the entry the link covers).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, inject, it } from 'vitest';

const seedOut = inject('seedOut');

interface LinkSeen { page: number; dest: unknown; target: number | null; text: string }

/** Every link annotation: its page, destination, target page (0-based) and the text under its box. */
async function links(file: string): Promise<{ links: LinkSeen[]; labels: string[] }> {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), useSystemFonts: false, isEvalSupported: false }).promise;
  const out: LinkSeen[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const annots = (await page.getAnnotations()).filter((a: { subtype: string }) => a.subtype === 'Link');
    if (!annots.length) continue;
    const text = await page.getTextContent();
    for (const a of annots as Array<{ dest: unknown; rect: [number, number, number, number] }>) {
      const [x1, y1, x2, y2] = a.rect;
      const under = text.items
        .filter((t): t is typeof t & { str: string; transform: number[] } => 'str' in t)
        .filter((t) => t.transform[4]! >= x1 - 1 && t.transform[4]! <= x2 + 1 && t.transform[5]! >= y1 - 1 && t.transform[5]! <= y2 + 1)
        .map((t) => t.str)
        .join('');
      const target = Array.isArray(a.dest) ? await doc.getPageIndex(a.dest[0]) : null;
      out.push({ page: i - 1, dest: a.dest, target, text: under });
    }
  }
  const labels = (await doc.getPageLabels()) ?? [];
  await doc.destroy();
  return { links: out, labels };
}

describe('目录 links in book.pdf', () => {
  it('one per delivered paper, each to that paper’s first page, none to a named destination', async () => {
    const toc = JSON.parse(readFileSync(join(seedOut, 'toc.json'), 'utf8')) as Array<{ kind: string; title: string; pdfPage: number | null }>;
    const papers = toc.filter((e) => e.kind === 'paper' && e.pdfPage != null);
    expect(papers.length).toBe(3);
    const { links: seen, labels } = await links(join(seedOut, 'book.pdf'));
    expect(seen.filter((l) => typeof l.dest === 'string')).toEqual([]);
    expect(seen).toHaveLength(papers.length);
    for (const link of seen) {
      expect(link.target).not.toBeNull();
      const paper = papers.find((p) => p.pdfPage === link.target! + 1);
      expect(paper, `link on page ${link.page + 1} to page ${link.target! + 1}`).toBeDefined();
      // the entry under the link ends with the folio of the page it goes to
      expect(link.text.replace(/\s+/g, '')).toMatch(new RegExp(`${labels[link.target!]}$`));
    }
    expect(new Set(seen.map((l) => l.target)).size).toBe(papers.length);
  });
});
