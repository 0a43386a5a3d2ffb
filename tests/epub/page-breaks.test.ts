/** Page-break markers never land where XHTML's content model forbids a <span> (issue 13). */
import type { Element, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import { insertPageBreaks, type PageBreak } from '../../pipeline/render/epub/page-breaks.ts';
import { stringifyHast } from '../../pipeline/render/html.ts';

const el = (tagName: string, properties: Record<string, unknown>, children: Element['children']): Element => ({ type: 'element', tagName, properties: properties as Element['properties'], children });
const t = (value: string) => ({ type: 'text' as const, value });
const pb = (offset: number, label = '7'): PageBreak => ({ page: Number(label), label, id: `p${label}`, targetId: 'b1', offset });

/** A list as remark-rehype writes it: whitespace text between the items. */
function list(): Root {
  return {
    type: 'root',
    children: [el('div', { className: ['paper-body'] }, [el('ul', { id: 'b1' }, [t('\n'), el('li', {}, [t('甲乙丙')]), t('\n'), el('li', {}, [t('丁戊己')]), t('\n')])])],
  };
}

describe('page-break markers in lists and tables', () => {
  it('a page that starts on the whitespace between two items gets its marker inside the next item', () => {
    const tree = list();
    // offsets: "\n"=0, 甲乙丙=1..3, "\n"=4, 丁戊己=5..7: the page starts at the second "\n"
    expect([...insertPageBreaks(tree, [pb(4)])]).toEqual(['p7']);
    const html = stringifyHast(tree, { xhtml: true });
    expect(html).toContain('<li><span epub:type="pagebreak" role="doc-pagebreak" id="p7" aria-label="7"></span>丁戊己</li>');
    expect(html).not.toMatch(/<\/li>\s*<span/);
  });

  it('a page that starts inside an item splits the item text, not the list', () => {
    const tree = list();
    insertPageBreaks(tree, [pb(2)]);
    expect(stringifyHast(tree, { xhtml: true })).toContain('<li>甲<span epub:type="pagebreak" role="doc-pagebreak" id="p7" aria-label="7"></span>乙丙</li>');
  });

  it('a marker past the end of a table goes into its last cell, not between rows', () => {
    const tree: Root = {
      type: 'root',
      children: [el('table', { id: 'b1' }, [t('\n'), el('tbody', {}, [t('\n'), el('tr', {}, [el('td', {}, [t('一')]), el('td', {}, [t('二')])]), t('\n')]), t('\n')])],
    };
    insertPageBreaks(tree, [pb(99)]);
    const html = stringifyHast(tree, { xhtml: true });
    expect(html).toContain('<td>二<span epub:type="pagebreak"');
    expect(html).not.toMatch(/<\/tr>\s*<span|<\/tbody>\s*<span/);
  });
});

describe('page-break markers and math', () => {
  it('a page that starts inside a formula gets its marker before the formula, never inside the MathML', () => {
    // 甲乙=0..1, the formula's text (x_{ij} in the annotation) 2..7, 丙=8
    const math = el('span', { className: ['juan-math'] }, [el('math', {}, [el('semantics', {}, [el('mi', {}, [t('x')]), el('annotation', { encoding: 'application/x-tex' }, [t('x_{ij}')])])])]);
    const tree: Root = { type: 'root', children: [el('p', { id: 'b1' }, [t('甲乙'), math, t('丙')])] };
    insertPageBreaks(tree, [pb(5)]);
    const html = stringifyHast(tree, { xhtml: true });
    expect(html).toContain('甲乙<span epub:type="pagebreak" role="doc-pagebreak" id="p7" aria-label="7"></span><span class="juan-math">');
    expect(html).not.toMatch(/<math[\s\S]*pagebreak[\s\S]*<\/math>/);
  });
});
