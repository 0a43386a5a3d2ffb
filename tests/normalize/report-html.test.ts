/**
 * dist/report.html of the seed build, opened from disk in Chromium: it renders, every message of
 * report.json is in it (rule, line:col, text), identical warnings are one group, changes show what was
 * removed and inserted, and it makes no network request (shown to fail on a page that does).
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BrowserSession } from '../../pipeline/render/print/browser.ts';
import type { BuildReport } from '../../pipeline/render/report/report-json.ts';

let session: BrowserSession;
beforeAll(async () => {
  expect(inject('seedBuildError')).toBeNull();
  session = await BrowserSession.launch();
});
afterAll(async () => session?.close());

/** Open a file in a fresh tab; every request the page makes is recorded. */
async function open(path: string) {
  const page = await session.browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => { requests.push(r.url()); });
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  return { page, requests };
}

describe('report.html', () => {
  const out = inject('seedOut');

  it('renders every message of report.json, grouped and marked, without any request', async () => {
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as BuildReport;
    const { page, requests } = await open(join(out, 'report.html'));
    try {
      const shown = await page.$$eval('article.entry', (els) => els.map((el) => ({
        rule: el.getAttribute('data-rule'),
        line: el.getAttribute('data-line'),
        column: el.getAttribute('data-column'),
        severity: el.getAttribute('data-severity'),
        text: el.querySelector('.reason')?.textContent ?? '',
        grouped: !!el.closest('details.group'),
        visible: (el as HTMLElement).checkVisibility(),
        del: el.querySelectorAll('del').length,
        ins: el.querySelectorAll('ins').length,
      })));
      expect(shown).toHaveLength(json.messages.length);
      for (const m of json.messages) {
        const hit = shown.find((s) => s.rule === m.rule && s.line === String(m.line ?? '') && s.column === String(m.column ?? '') && s.text === m.text);
        expect(hit, `${m.line}:${m.column} ${m.rule} ${m.text}`).toBeDefined();
        expect(hit!.severity).toBe(m.severity);
        // grouped warnings sit in a closed block under one visible summary line; the rest show at once
        expect(hit!.visible).toBe(!hit!.grouped);
      }
      // the 47 papers the 目录 lists without a body: one group with its count
      const groups = await page.$$eval('details.group', (els) => els.map((el) => ({ summary: el.querySelector('summary')!.textContent!, n: el.querySelectorAll('article').length })));
      expect(groups).toEqual([expect.objectContaining({ n: 47 })]);
      expect(groups[0].summary).toContain('共 47 条');
      expect(groups[0].summary).toContain('正文中没有收录');
      expect(shown.filter((s) => s.grouped)).toHaveLength(47);
      // a join shows the removed line break and nothing inserted; a punctuation fix removes ; and inserts ；
      const joins = shown.filter((s) => s.rule === 'join-page-break-paragraphs');
      expect(joins).toHaveLength(8);
      for (const j of joins) expect(j.del).toBeGreaterThan(0);
      const punct = await page.$eval('article[data-rule="fullwidth-punctuation"]', (el) => [el.querySelector('del')?.textContent, el.querySelector('ins')?.textContent]);
      expect(punct).toEqual([';', '；']);
      // the printed page where the text landed, from the page map
      const pages = await page.$$eval('article[data-rule="join-page-break-paragraphs"] .page', (els) => els.map((e) => e.textContent));
      expect(pages).toHaveLength(8);
      for (const p of pages) expect(p).toMatch(/^印刷第 \d+ 页（PDF 第 \d+ 页）$/);
      const summary = await page.$eval('#totals', (el) => el.textContent);
      expect(summary).toContain(`修改 ${json.counts.bySeverity.info} 处`);
      expect(summary).toContain(`警告 ${json.counts.bySeverity.warning} 条`);
      // its fonts are data: URLs inside the file (no request leaves it)
      expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([pathToFileURL(join(out, 'report.html')).href]);
    } finally {
      await page.close();
    }
  });

  it('sets its text in the embedded 黑体, not a system font (a machine without a CJK font showed boxes)', async () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/@font-face\{font-family:'Juan Report Sans';[^}]*src:url\(data:font\/(ttf|otf);base64,/);
    const { page } = await open(join(out, 'report.html'));
    try {
      await page.evaluate(() => document.fonts.ready);
      const client = await page.createCDPSession();
      await client.send('DOM.enable');
      await client.send('CSS.enable');
      const { root } = await client.send('DOM.getDocument');
      const fontsOf = async (selector: string) => {
        const { nodeIds } = await client.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
        const used = new Map<string, number>();
        for (const nodeId of nodeIds) {
          const { fonts } = await client.send('CSS.getPlatformFontsForNode', { nodeId });
          for (const f of fonts) used.set(f.familyName, (used.get(f.familyName) ?? 0) + f.glyphCount);
        }
        return { nodes: nodeIds.length, used };
      };
      const text = await fontsOf('h1, .reason, summary');
      const code = await fontsOf('code');
      expect(text.nodes).toBeGreaterThan(10);
      // every glyph of the headings, messages and group summaries comes from the report's own font
      // (its platform name carries the weight), but the rule ids and quoted code set in monospace
      const ours = [...text.used].filter(([family]) => family.startsWith('Juan Report Sans'));
      expect([...text.used.keys()].filter((family) => !family.startsWith('Juan Report Sans') && !code.used.has(family))).toEqual([]);
      expect(ours.reduce((n, [, glyphs]) => n + glyphs, 0)).toBeGreaterThan(500);
    } finally {
      await page.close();
    }
  });

  it('the request check catches a page that fetches something', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'juan-report-'));
    const path = join(dir, 'fetching.html');
    writeFileSync(path, '<!doctype html><title>x</title><img src="http://127.0.0.1:9/x.png">');
    const { page, requests } = await open(path);
    await page.close();
    expect(requests.length).toBeGreaterThan(1);
  });
});
