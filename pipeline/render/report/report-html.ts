/**
 * dist/report.html — the editor's review of the normalization, one self-contained file that works opened
 * from disk and offline (inline styles, no script, no external resource; a CSP forbids any request):
 * a summary by rule and by 修改/警告, what the editor switched off, then every message in manuscript order
 * with the original and the result side by side (removed characters struck and red, inserted ones green),
 * its line:col, rule, paper and the printed page where the text landed. Identical warnings are one block
 * with their count. Its text is set in the book's own 黑体, cut to the report's characters and embedded
 * as data: URLs (reportFontCss): a machine without a CJK system font showed every Han character as a box.
 */
import { VFile } from 'vfile';
import type { PageMap, Volume } from '../../model/types.ts';
import { runOf } from '../../normalize/index.ts';
import { originalOf } from '../../normalize/text.ts';
import { buildReview, type ReviewEntry, type Segment } from './review.ts';
import type { BuildCache } from '../../cache/store.ts';
import { usedCodePoints } from '../fonts/fontsource.ts';
import { subsetFace, subsetFontFaceCss } from '../fonts/subset.ts';

/** The family report.html's text is set in (its own name: a system font of the same name never stands in). */
const REPORT_FAMILY = 'Juan Report Sans';

const LABEL = { info: '修改', warning: '警告', error: '错误' } as const;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Line breaks and tabs made visible: a join removes a ⏎, a 目录 line has →. */
const show = (s: string) => esc(s).replace(/\n/g, '<span class="ws">⏎</span>').replace(/\t/g, '<span class="ws">→</span>');

function side(e: ReviewEntry, segments: Segment[]): string {
  const body = segments.map((s) => (s.kind === 'del' ? `<del>${show(s.text)}</del>` : s.kind === 'ins' ? `<ins>${show(s.text)}</ins>` : show(s.text))).join('');
  if (!body) return '<span class="none">（整段删除）</span>';
  return `${e.cutBefore ? '<span class="cut">…</span>' : ''}${body}${e.cutAfter ? '<span class="cut">…</span>' : ''}`;
}

function where(e: ReviewEntry): string {
  const parts = [`<span class="pos">${e.line ?? '?'}:${e.column ?? '?'}</span>`, `<code class="rule">${esc(e.rule)}</code>`];
  if (e.paper) parts.push(`<span class="paper">《${esc(e.paper.title)}》</span>`);
  if (e.page) parts.push(`<span class="page">印刷第 ${esc(e.page.folio)} 页（PDF 第 ${e.page.page} 页）</span>`);
  return parts.join(' ');
}

function entryHtml(e: ReviewEntry): string {
  const changed = e.before.some((s) => s.kind === 'del') || e.after.some((s) => s.kind === 'ins');
  const attrs = `class="entry ${e.severity}" data-rule="${esc(e.rule)}" data-line="${e.line ?? ''}" data-column="${e.column ?? ''}" data-severity="${e.severity}"`;
  const context = changed
    ? `<div class="sides"><div><h4>原文</h4><p>${side(e, e.before)}</p></div><div><h4>结果</h4><p>${side(e, e.after)}</p></div></div>`
    : e.before.length ? `<div class="sides one"><div><h4>原文（未改动）</h4><p>${side(e, e.before)}</p></div></div>` : '';
  return `<article ${attrs}><header><span class="sev">${LABEL[e.severity]}</span> ${where(e)}</header><p class="reason">${esc(e.text)}</p>${context}</article>`;
}

export function reportHtml(volume: Volume, pageMap?: PageMap | null): string {
  // a volume not read from a manuscript (tests, generated books) has no messages to review
  const run = runOf.get(volume) ?? { file: new VFile({ path: volume.source }), tree: { type: 'root' as const, children: [] } };
  const review = buildReview(volume, run, pageMap);
  const rules = Object.entries(review.byRule).sort((a, b) => b[1].info + b[1].warning - (a[1].info + a[1].warning));
  const total = { info: 0, warning: 0, error: 0 };
  for (const [, c] of rules) { total.info += c.info; total.warning += c.warning; total.error += c.error; }
  const summary = rules.map(([rule, c]) => `<tr><td><code>${esc(rule)}</code></td><td>${c.info}</td><td>${c.warning}</td><td>${review.suppressed[rule] ?? 0}</td></tr>`).join('');
  const off = review.off.length ? `<p>book.yaml 关掉的规则：${review.off.map((r) => `<code>${esc(r)}</code>`).join('、')}</p>` : '';
  const body = review.groups
    .map((g) => {
      if (g.entries.length === 1) return entryHtml(g.entries[0]);
      return `<details class="group ${g.severity}"><summary><span class="sev">${LABEL[g.severity]}</span> <code class="rule">${esc(g.rule)}</code> ${esc(g.pattern)} <span class="count">共 ${g.entries.length} 条</span></summary>${g.entries.map(entryHtml).join('')}</details>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>规范化审阅报告 — ${esc(volume.meta.title)}</title>
<style>
/*juan:report-fonts*/
body { font: 15px/1.6 "${REPORT_FAMILY}", "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0 auto; max-width: 1100px; padding: 1.5em; color: #222; }
h1 { font-size: 1.5em; margin: 0 0 .3em; } h2 { font-size: 1.15em; margin: 1.6em 0 .6em; }
table { border-collapse: collapse; } td, th { border-bottom: 1px solid #ddd; padding: .2em .8em; text-align: right; } td:first-child, th:first-child { text-align: left; }
.entry { border: 1px solid #ddd; border-left: 4px solid #2a7; border-radius: 4px; margin: .6em 0; padding: .4em .8em; }
.entry.warning { border-left-color: #d80; } .entry.error { border-left-color: #c22; }
.entry header { font-size: .9em; color: #555; } .sev { font-weight: bold; color: #2a7; } .warning .sev, .group.warning > summary .sev { color: #c70; } .error .sev { color: #c22; }
code, .pos { font-family: monospace, "${REPORT_FAMILY}"; } .rule { font-size: .9em; background: #f3f3f3; padding: 0 .3em; border-radius: 3px; } .page { color: #36c; }
.reason { margin: .3em 0; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: .8em; } .sides.one { grid-template-columns: 1fr; }
.sides h4 { margin: 0; font-size: .8em; color: #888; font-weight: normal; } .sides p { margin: .1em 0 .3em; background: #fafafa; padding: .3em .5em; word-break: break-all; }
del { background: #fdd; color: #a00; text-decoration: line-through; } ins { background: #dfd; color: #060; text-decoration: none; }
.ws { color: #aaa; } .cut { color: #999; } .none { color: #999; font-style: italic; }
.group { border: 1px dashed #d80; border-radius: 4px; margin: .8em 0; padding: .3em .8em; } .group > summary { cursor: pointer; } .count { font-weight: bold; }
.group .entry { border-width: 0 0 1px 0; border-radius: 0; margin: 0; } .group .sides { display: none; }
</style>
</head>
<body>
<h1>规范化审阅报告</h1>
<p>书稿：<code>${esc(review.manuscript)}</code>　书名：${esc(volume.meta.title)}</p>
<h2>总览</h2>
<p id="totals">修改 <strong>${total.info}</strong> 处，警告 <strong>${total.warning}</strong> 条${total.error ? `，错误 <strong>${total.error}</strong> 条` : ''}；编辑关掉未做的修改 <strong>${Object.values(review.suppressed).reduce((a, b) => a + b, 0)}</strong> 处。</p>
<table id="by-rule"><thead><tr><th>规则</th><th>修改</th><th>警告</th><th>编辑关掉</th></tr></thead><tbody>${summary}</tbody></table>
${off}
<h2>逐条（按书稿位置）</h2>
${body}
</body>
</html>
`;
}

/**
 * @font-face rules for report.html: the book's 黑体 (book.yaml fonts.heading, weight 500 as in print)
 * with the characters of `html` and of `manuscript`, each file inline as a data: URL so the report
 * stays one file. Why the manuscript's too: the report's own characters change with almost every
 * edit (the text around each message: a paragraph added to paper 2 brought 「充让轮」), the
 * manuscript's seldom (a new character in the book) — keyed by both, the subset one build made is
 * the next build's cache hit, and a rebuild skips the font worker's start, the face's decoding and
 * the subsetting (~0.3 CPU-s), for glyphs of characters the report may not show (~30 % more font).
 */
export async function reportFontCss(html: string, headingPkg: string, cache?: BuildCache, manuscript = ''): Promise<string> {
  const codepoints = usedCodePoints(html);
  for (const cp of usedCodePoints(manuscript)) codepoints.add(cp);
  const subset = await subsetFace({ pkg: headingPkg, family: REPORT_FAMILY, weight: 500 }, codepoints, cache);
  return subsetFontFaceCss(subset.parts, (p) => `data:font/${p.format === 'opentype' ? 'otf' : 'ttf'};base64,${Buffer.from(p.data).toString('base64')}`);
}

/** report.html with its fonts embedded. */
export async function reportHtmlWithFonts(volume: Volume, pageMap: PageMap | null | undefined, cache?: BuildCache): Promise<string> {
  const html = reportHtml(volume, pageMap);
  const run = runOf.get(volume);
  return html.replace('/*juan:report-fonts*/', await reportFontCss(html, volume.meta.fonts.heading, cache, run ? originalOf(run.file) : ''));
}
