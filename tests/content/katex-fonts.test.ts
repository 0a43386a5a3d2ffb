/**
 * A book's print edition declares and serves only the KaTeX families its formulas use
 * (content/assets.ts katexFamilies): each declared face is loaded by every layout tab before its
 * first page, one request after another. The formulas here are typeset by KaTeX itself.
 */
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { contentAssets } from '../../pipeline/render/content/assets.ts';

const math = (tex: string, displayMode = false) => `<span class="juan-math">${katex.renderToString(tex, { displayMode, output: 'html' })}</span>`;
const katexFiles = (html: string) => contentAssets(html).files.map((f) => f.path).filter((p) => p.startsWith('katex/')).map((p) => p.replace(/^katex\/|-\w+\.woff2$/g, ''));
const declared = (html: string) => [...contentAssets(html).css('/assets').matchAll(/@font-face\{font-family:(KaTeX_\w+)/g)].map((m) => m[1]);

describe('the KaTeX fonts of a book', () => {
  it('a regression formula: Main, Math (italic letters) and Size2 (the display sum), nothing else', () => {
    const html = `<p>${math(String.raw`y = \beta_0 + \beta_1 x`)}</p><div>${math(String.raw`\hat{y}_i = \sum_{k=1}^{K} \beta_k x_{ik}`, true)}</div>`;
    expect([...new Set(katexFiles(html))].sort()).toEqual(['KaTeX_Main', 'KaTeX_Math', 'KaTeX_Size2']);
    expect([...new Set(declared(html))].sort()).toEqual(['KaTeX_Main', 'KaTeX_Math', 'KaTeX_Size2']);
  });

  it('blackboard, fraktur and script letters bring their own families', () => {
    const families = new Set(katexFiles(`<p>${math(String.raw`\mathbb{R} \ni \mathfrak{g}, \mathscr{L}`)}</p>`));
    for (const f of ['KaTeX_Main', 'KaTeX_AMS', 'KaTeX_Fraktur', 'KaTeX_Script']) expect(families, f).toContain(f);
    expect(families).not.toContain('KaTeX_Typewriter');
  });

  it('a book without math has none', () => {
    expect(katexFiles('<p>没有公式的一段。</p>')).toEqual([]);
  });
});
