/**
 * What a book designer marks, counted on the real manuscripts by other authors (tests/fixtures/real),
 * each built as a new user would give it (no book.yaml, PDF only): no 孤字, no wrapped heading ending
 * in ≤ 2 characters, no heading at a page foot with fewer than two lines after it
 * (layout-quality.ts, shown failing in layout-quality.test.ts), and no Latin word or number spread
 * apart by justification (layout-quality-latin.ts, shown failing in layout-quality-latin.test.ts), and no
 * line spread letter by letter (layout-quality-loose.ts, shown failing in layout-quality-loose.test.ts)
 * unless the next line starts with a Latin word too long to join it: without hyphenation (Chromium has no
 * dictionary offline) such a line is spread or the word overflows; those are counted, not asserted.
 * Widows and orphans are counted but not asserted here: lists and link lists of these books make
 * short lines the counter cannot tell from a paragraph's.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, juan } from '../support/cli.ts';
import { pageLines, readPdf, squeeze } from './helpers.ts';
import { manuscriptOf } from '../normalize/real-corpus.ts';
import { countFindings, layoutFindings } from './layout-quality.ts';
import { latinSpread } from './layout-quality-latin.ts';
import { looseHanLines } from './layout-quality-loose.ts';

const REAL = join(ROOT, 'tests', 'fixtures', 'real');

/** Each labelled table's body rows in print.html, as squeezed text (cells run together): label → rows. */
function tableRows(html: string): Map<string, Set<string>> {
  const text = (s: string) => squeeze(s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  const rows = new Map<string, Set<string>>();
  for (const t of html.matchAll(/<table[^>]*data-table-label="([^"]+)"[^>]*>([\s\S]*?)<\/table>/g)) {
    const body = t[2]!.split('<tbody>')[1] ?? '';
    rows.set(t[1]!, new Set([...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => text(r[1]!)).filter(Boolean)));
  }
  return rows;
}
const FIXTURES = readdirSync(REAL).filter((name) => statSync(join(REAL, name)).isDirectory()).sort();


describe.each(FIXTURES)('real manuscript %s, printed', (name) => {
  const out = join(ROOT, 'tests', '.out', 'quality-real', name);
  let built: { code: number; stderr: string } | null = null;
  const build = () => {
    if (!built) {
      rmSync(out, { recursive: true, force: true });
      built = juan(['build', '--manuscript', manuscriptOf(name), '--out', out, '--no-epub', '--quiet']);
    }
    expect(built.code, built.stderr).toBe(0);
    return new Uint8Array(readFileSync(join(out, 'book.pdf')));
  };

  it('has no 孤字, no badly wrapped heading, no heading at a page foot', async () => {
    const report = await layoutFindings(build(), readFileSync(join(out, 'print.html'), 'utf8'));
    expect(report.headings).toBeGreaterThan(10);
    const counts = countFindings(report.findings);
    const faults = report.findings.filter((f) => f.kind === 'orphanChars' || f.kind === 'badWraps' || f.kind === 'headsAtFoot');
    expect(faults.map((f) => ({ kind: f.kind, text: f.text })), JSON.stringify(counts)).toEqual([]);
  }, 600_000);

  it('keeps every Latin word and number whole in justified lines', async () => {
    const { spread, words } = await latinSpread(build());
    expect(words).toBeGreaterThan(10);
    expect(spread).toEqual([]);
  }, 600_000);

  it('spreads no line letter by letter, except before an unbreakable Latin word, URL or formula', async () => {
    const { loose, lines } = await looseHanLines(build());
    expect(lines).toBeGreaterThan(100);
    // half an em between every two characters: a line a reader sees as letter-spaced (LOOSE_EM and up are counted)
    expect(loose.filter((l) => l.gap > 0.5 && !l.beforeWord)).toEqual([]);
  }, 600_000);

  it('sets every table caption that fits the type area on one line, also over a narrow table', async () => {
    // content-handlers.js fixColumns widens a table to its caption's one line; the communiqué's
    // 「表2 2025年居民消费价格比上年涨跌幅度」 over a four-column table wrapped into two lines before
    const html = readFileSync(join(out, 'print.html'), 'utf8');
    const pdf = build();
    const captions = [...html.matchAll(/<caption>([^<]+)<\/caption>/g)].map((m) => squeeze(m[1]!)).filter((c) => [...c].length <= 36);
    const lines = new Set((await readPdf(pdf)).flatMap((page) => pageLines(page).map(squeeze)));
    expect(captions.filter((c) => !lines.has(c))).toEqual([]);
  }, 600_000);

  it('keeps at least two rows of a split table on its continued part (续表)', async () => {
    // the part after a 「续表N」 caption and the header row: its rows are the lines that open with a
    // rank or serial number (every table of these books that splits has one). On main before
    // content-handlers.js OnOverflowTableRows, kaiyuanshe's 续表1.1 and 续表1.3 each held one row.
    // or, for tables whose rows do not open with a number (the communiqué's), the lines that are one of
    // the table's body rows as print.html has them (cells' text run together)
    const pdf = build();
    const rowsOf = tableRows(readFileSync(join(out, 'print.html'), 'utf8'));
    const parts = (await readPdf(pdf)).flatMap((page) => {
      const lines = pageLines(page);
      return lines.flatMap((line, i) => {
        const m = /^续表\s*([\d.]+)$/.exec(line.trim());
        if (!m) return [];
        let numbered = 0;
        while (/^\d+\s/.test(lines[i + 2 + numbered]?.trim() ?? '')) numbered++;
        const body = rowsOf.get(`表${m[1]}`) ?? new Set<string>();
        const matched = lines.slice(i + 1).filter((l) => body.has(squeeze(l))).length;
        return [{ caption: line.trim(), rows: Math.max(numbered, matched) }];
      });
    });
    if (name === 'kaiyuanshe-2023-data' || name === 'nbs-2025-communique') expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.filter((p) => p.rows < 2)).toEqual([]);
  }, 600_000);
});
