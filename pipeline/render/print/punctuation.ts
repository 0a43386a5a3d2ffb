/**
 * Adjacent-punctuation compression, marked in the HTML.
 *
 * `text-spacing-trim` only works when Chromium can classify both neighbours with the font of
 * the current run, and a face's subset may be split over several files (fonts/subset.ts: a
 * character outside the main file comes from a numbered slice). So we mark the glyphs that
 * css-text-4 "fullwidth punctuation collapsing" would halve and set them with the font's own
 * `halt` feature (print.css `.pt-h`), which holds whichever file a glyph comes from:
 *   - a closing mark followed by another closing mark loses its right half;
 *   - an opening mark preceded by an opening or closing mark loses its left half.
 * Chromium's own trimming stays on for line starts; the features are exclusive, so a
 * glyph is never halved twice. The text (and every offset the page map counts) is unchanged.
 */
import type { Element, ElementContent, Root, Text } from 'hast';

/** Fullwidth closing marks whose glyph sits in the left half in zh-Hans fonts (dots, colons and closing brackets/quotes). */
const CLOSE = new Set([...'，。、；：）］｝》〉」』】〕〗〙〛”’']);
const OPEN = new Set([...'（［｛《〈「『【〔〖〘〚“‘']);

/** Indices (in code points) of the characters of `chars` that should be halved. */
export function halvedIndices(chars: string[]): number[] {
  const out: number[] = [];
  chars.forEach((ch, i) => {
    const next = chars[i + 1];
    const prev = chars[i - 1];
    if (CLOSE.has(ch) && next !== undefined && CLOSE.has(next)) out.push(i);
    else if (OPEN.has(ch) && prev !== undefined && (OPEN.has(prev) || CLOSE.has(prev))) out.push(i);
  });
  return out;
}

function splitText(node: Text): ElementContent[] | null {
  const chars = [...node.value];
  const halved = new Set(halvedIndices(chars));
  if (halved.size === 0) return null;
  const out: ElementContent[] = [];
  let buffer = '';
  chars.forEach((ch, i) => {
    if (!halved.has(i)) return void (buffer += ch);
    if (buffer) out.push({ type: 'text', value: buffer });
    buffer = '';
    out.push({ type: 'element', tagName: 'span', properties: { className: ['pt-h'] }, children: [{ type: 'text', value: ch }] });
  });
  if (buffer) out.push({ type: 'text', value: buffer });
  return out;
}

/** Mark halved punctuation in every text node of the tree (in place). */
export function compressPunctuation<T extends Root | Element>(tree: T): T {
  const visit = (parent: Root | Element) => {
    const children: Array<Root['children'][number]> = [];
    for (const child of parent.children) {
      if (child.type === 'text') {
        const split = splitText(child);
        if (split) children.push(...split);
        else children.push(child);
      } else {
        if (child.type === 'element' && child.tagName !== 'style' && child.tagName !== 'script') visit(child);
        children.push(child);
      }
    }
    parent.children = children as typeof parent.children;
  };
  visit(tree);
  return tree;
}
