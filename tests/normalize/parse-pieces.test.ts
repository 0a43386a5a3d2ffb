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
import { labelLookups, ParseCache, parseInPieces, pieceStarts } from '../../pipeline/normalize/parse.ts';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { loadConfig } from '../../pipeline/config/load.ts';
import { volumeToMarkdown } from '../../pipeline/render/markdown.ts';
import type { VFile } from 'vfile';

const parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkMath).use(labelLookups).freeze();
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
    'bench volume with content': makeVolume({ content: true }),
    'content sample': readFileSync(join(import.meta.dirname, '../fixtures/content/样稿.md'), 'utf8'),
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

  /** A parser that counts its parses. */
  const counting = () => {
    const counter = { calls: 0, parser: Object.create(parser) as typeof parser };
    counter.parser.parse = ((t: string) => {
      counter.calls++;
      return parser.parse(t);
    }) as typeof parser.parse;
    return counter;
  };

  it('labels defined in another paper: each paper parsed once, the one that uses them once more knowing them; edits elsewhere reparse only the edited paper', () => {
    const uses = '见注[^1]，参见[网站]与![图][标志]。\n';
    const defs = '[^1]: 注文。\n\n[网站]: https://example.org\n\n[标志]: 图/标志.png\n';
    const text = [paper(1), uses, paper(2), defs, paper(3), '本篇自己的注[^1]。\n\n[^1]: 自己的注。\n', paper(4), '[1] 作者. 题名.\n'].join('\n');
    const cache = new ParseCache();
    const c = counting();
    const joined = JSON.stringify(parseInPieces(c.parser, text, cache));
    expect(joined).toBe(whole(text));
    // the references are read as references (as in the whole parse), not as text
    expect(joined).toContain('"type":"footnoteReference"');
    expect(joined).toContain('"type":"linkReference"');
    expect(joined).toContain('"type":"imageReference"');
    // four papers, and paper 1 again (paper 3 defines its own [^1]; paper 4's [1] is defined nowhere)
    expect(c.calls).toBe(5);

    const check = (edited: string, calls: number) => {
      c.calls = 0;
      expect(JSON.stringify(parseInPieces(c.parser, edited, cache))).toBe(whole(edited));
      expect(c.calls).toBe(calls);
      return edited;
    };
    const t1 = check(text.replace('[1] 作者', '[2] 作者'), 1);
    const t2 = check(t1.replace('本篇自己的注', '本篇自己的注（改）'), 1);
    // the definitions gone: paper 2 is parsed again, and paper 1 (its answers no longer hold): now its
    // [网站] and [标志] are text, its [^1] is paper 3's note
    const t3 = check(t2.replace(defs, '（定义已删）\n'), 2);
    const without = JSON.stringify(parseInPieces(parser, t3, cache));
    expect(without).not.toContain('"type":"linkReference"');
    expect(without).toContain('"type":"footnoteReference"');
    // and back (the cache keeps the trees of the last parse only: paper 2 and paper 1 knowing its labels are parsed again)
    check(t2, 2);
    check(t2, 0);
  });

  it('the content volume edited in one paper that cites another paper\'s note: per paper (cache warm) = whole parse — model, messages, normalized Markdown', () => {
    const original = makeVolume({ content: true });
    const starts = pieceStarts(original);
    const pieceAt = (o: number) => starts.filter((s) => s <= o).length - 1;
    const sliceOf = (k: number) => original.slice(starts[k], starts[k + 1] ?? original.length);
    // the bench's edit (the first prose line after 60 % of the text), in a paper with no notes of its own
    let at = original.indexOf('\n', Math.floor(original.length * 0.6)) + 1;
    while (!/^\p{Script=Han}/u.test(original.slice(at, at + 1)) || /^(表|注|图)\d|^注：/.test(original.slice(at, at + 3)) || sliceOf(pieceAt(at)).includes(']:')) at = original.indexOf('\n', at) + 1;
    expect(original).toContain('[^2]: ');
    const edited = original.slice(0, at) + '（编辑校改，见注[^2]）' + original.slice(at);
    const config = loadConfig(join(import.meta.dirname, '../../manuscript/book.yaml'));
    const path = join(import.meta.dirname, '../.out/volume-content.md');
    const cache = new ParseCache();
    normalizeManuscript({ path, text: original, config, parseCache: cache });
    let parsed = 0;
    const put = cache.put.bind(cache);
    cache.put = (key, json) => {
      parsed++;
      put(key, json);
    };
    const warm = normalizeManuscript({ path, text: edited, config, parseCache: cache });
    const whole = normalizeManuscript({ path, text: edited, config, parseCache: new ParseCache(undefined, false) });
    // the edited paper alone, then again knowing the other papers' notes
    expect(parsed).toBe(2);
    const messages = (file: VFile) => file.messages.map((m) => ({ reason: m.reason, place: m.place, ruleId: m.ruleId, fatal: m.fatal }));
    expect(messages(warm.file).length).toBeGreaterThan(100);
    expect(messages(warm.file)).toEqual(messages(whole.file));
    expect(JSON.stringify(warm.volume)).toBe(JSON.stringify(whole.volume));
    expect(volumeToMarkdown(warm.volume)).toBe(volumeToMarkdown(whole.volume));
    // the reference is a note reference in the edited paper, as in the whole parse
    const paper = warm.volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers)).find((p) => JSON.stringify(p).includes('编辑校改，见注'))!;
    expect(JSON.stringify(paper)).toMatch(/"type":"footnoteReference","identifier":"2"/);
  });

  it('a parse in pieces that cannot record its labels (a parser without labelLookups) is done whole when a paper has a `[`', () => {
    const plain = unified().use(remarkParse).use(remarkGfm).freeze();
    const text = [paper(1), '见注[^1]。', paper(2), '[^1]: 注文。\n'].join('\n');
    expect(JSON.stringify(parseInPieces(plain, text, new ParseCache()))).toBe(JSON.stringify(plain.parse(text)));
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
