/**
 * parse.ts: the manuscript parsed paper by paper, unchanged papers' trees reused, must give the
 * tree of the whole text's parse — on the seed, the bench volume, every real manuscript, and on
 * texts made to defeat the cut (a block left open across a `# ` line, front matter with a `# `
 * comment, definitions used across papers). Each trap is first shown to break a naive cut.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { makeVolume } from '../../bench/make-volume.ts';
import remarkGfm from '../../pipeline/normalize/gfm.ts';
import { cleanSource } from '../../pipeline/normalize/hygiene.ts';
import { ParseCache, parseInPieces, pieceStarts } from '../../pipeline/normalize/parse.ts';

const parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkMath).freeze();
const whole = (text: string) => JSON.stringify(parser.parse(text));
const inPieces = (text: string, cache = new ParseCache()) => JSON.stringify(parseInPieces(parser, text, cache));

/** Every piece parsed alone and simply put side by side: what parse.ts must not do blindly. */
function naive(text: string): string {
  const starts = pieceStarts(text);
  const children = starts.flatMap((s, i) => {
    const slice = text.slice(s, starts[i + 1] ?? text.length);
    const line = text.slice(0, s).split('\n').length - 1;
    const tree = parser.parse(slice) as Root;
    return tree.children.map((c) => JSON.parse(JSON.stringify(c), (k, v) => (k === 'line' ? v + line : k === 'offset' ? v + s : v)));
  });
  return JSON.stringify({ ...(parser.parse(text) as Root), children });
}

const paper = (n: number) => `# 论文${n}\n\n正文第一段，说到${n}。\n\n## 一、小节\n\n正文第二段。\n`;

describe('parse in pieces', () => {
  const manuscripts: Record<string, string> = {
    seed: readFileSync(join(import.meta.dirname, '../../manuscript/论文集.md'), 'utf8'),
    'bench volume': makeVolume({}),
  };
  const realDir = join(import.meta.dirname, '../fixtures/real');
  for (const d of readdirSync(realDir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(realDir, d.name))) if (f.endsWith('.md') && f !== 'SOURCE.md') manuscripts[`${d.name}/${f}`] = readFileSync(join(realDir, d.name, f), 'utf8');
  }

  for (const [name, raw] of Object.entries(manuscripts)) {
    it(`${name}: the same tree as the whole text's parse`, () => {
      const text = cleanSource(raw).text;
      expect(inPieces(text)).toBe(whole(text));
    });
  }

  it('the bench volume is cut into its papers, and an edit reparses only the edited one', () => {
    const text = makeVolume({});
    expect(pieceStarts(text).length).toBeGreaterThan(50);
    const cache = new ParseCache();
    inPieces(text, cache);
    let calls = 0;
    const counting = Object.assign(Object.create(parser) as typeof parser, {
      parse: (t: string) => {
        calls++;
        return parser.parse(t);
      },
    });
    const at = text.indexOf('\n', Math.floor(text.length * 0.6)) + 1;
    const edited = text.slice(0, at) + '（编辑校改）' + text.slice(at);
    expect(JSON.stringify(parseInPieces(counting, edited, cache))).toBe(whole(edited));
    expect(calls).toBe(1);
  });

  const traps: Record<string, string> = {
    'a fence left open runs over the next paper': `${paper(1)}\n\`\`\`\ncode\n\n${paper(2)}\n${paper(3)}`,
    'an open fence in a paper that also has a closed one': `${paper(1)}\n\`\`\`\nclosed\n\`\`\`\n\n~~~~\nopen\n\n${paper(2)}\n${paper(3)}`,
    'an HTML comment left open': `${paper(1)}\n<!-- 注释\n\n${paper(2)}\n-->\n\n${paper(3)}`,
    'display math left open': `${paper(1)}\n$$\nx^2\n\n${paper(2)}\n${paper(3)}`,
    'a footnote defined in another paper': `${paper(1)}\n见注[^1]。\n\n${paper(2)}\n[^1]: 注文。\n\n${paper(3)}`,
    'a link reference defined in another paper': `${paper(1)}\n见[网站]。\n\n${paper(2)}\n[网站]: https://example.org\n\n${paper(3)}`,
    'front matter with a # comment after a blank line': `---\ntitle: 书\n\n# comment\nx: 1\n---\n\n${paper(1)}\n${paper(2)}`,
  };
  for (const [name, text] of Object.entries(traps)) {
    it(`${name}: a naive cut differs, the parse in pieces does not`, () => {
      expect(naive(text)).not.toBe(whole(text));
      expect(inPieces(text)).toBe(whole(text));
    });
  }

  it('closed blocks, lists, quotes and tables before a cut: same tree, and the text is cut', () => {
    const text = [
      paper(1), '```js\nlet a = 1;\n```\n', paper(2), '- 列表项\n\n  续行\n', paper(3), '> 引文\n> 第二行\n', paper(4),
      '| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n', paper(5), '<div>\n块\n</div>\n', paper(6), '$$\nx\n$$\n', paper(7),
    ].join('\n');
    expect(pieceStarts(text).length).toBe(7);
    expect(inPieces(text)).toBe(whole(text));
  });
});
