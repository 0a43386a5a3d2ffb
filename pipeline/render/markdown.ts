/**
 * volumeToMarkdown: Volume (+ optional PageMap) → the normalized manuscript (remark-stringify).
 *
 *   ---                         YAML: the metadata, plus `juan:` — per paper its 目录 index, 目录 title
 *   title: …                    and old page, and the papers the 目录 listed but the body lacks
 *   juan: {papers, missing}     (so re-reading gives the same model and the same paper ids)
 *   ---
 *   # 前言 / text                front text (volume.front), before the 目录 as in print
 *   # 目录
 *   ## 第一篇 围涂篇            per part; `### 第一章 …` per chapter (implicit chapters: no line)
 *   title——subtitle<TAB>unit<TAB>page     one line per DELIVERED paper; page from the page map
 *   # 第一篇 围涂篇 / ## 第一章 … / ### paper title / ——subtitle / unit / body
 *   sections: #### 一、  ##### （一）  ###### 1.（and （1） headings, which Markdown cannot nest deeper）
 *
 * Papers not delivered stay out of the 目录 and the body (they are reported, and kept in `juan.missing`);
 * toc.json lists only delivered papers too.
 * Run-in heads are written `**（1）要…。**text`: CommonMark does not close `**` between `。` and a Han
 * character, but our reader (run-in-head-style) does; the default writer would instead encode the next
 * character as `&#x…;`, so `strong` has its own handler.
 * Faithful round trip: every node no rule changed is written as the source text it was read from
 * (normalize/source.ts), so untouched text keeps its escapes, emphasis markers and spacing byte for byte;
 * only what a rule changed (and what the writer makes: front matter, 目录, paper headers) is serialised.
 */
import type { Heading, Paragraph, Root, RootContent, Strong } from 'mdast';
import type { Nodes } from 'mdast';
import { defaultHandlers, type Handle, type Handlers } from 'mdast-util-to-markdown';
import remarkFrontmatter from 'remark-frontmatter';
import remarkStringify, { type Options as StringifyOptions } from 'remark-stringify';
import remarkGfm from '../normalize/gfm.ts';
import remarkMath from 'remark-math';
import { mathToMarkdown } from 'mdast-util-math';
import { unified } from 'unified';
import YAML from 'yaml';
import type { JuanFrontMatter } from '../model/build-volume.ts';
import { sourceOfNode, untouchedSource } from '../normalize/source.ts';
import type { PageMap, Volume } from '../model/types.ts';
import { CONFIG_KEYS } from '../config/schema.ts';
import { tocPageNumber } from './book-text.ts';


const strong: Handle = (node, _parent, state, info) => {
  const exit = state.enter('strong');
  const value = state.containerPhrasing(node as Strong, { ...info, before: '*', after: '*' });
  exit();
  return `**${value}**`;
};
(strong as Handle & { peek: () => string }).peek = () => '*';

/**
 * Wrap a handler: a node no rule changed is written as its source. Inside list items and block quotes
 * the serialiser indents continuation lines itself, so a multi-line source is used only outside them.
 */
function faithful(handle: Handle): Handle {
  const wrapped: Handle = (node, parent, state, info) => {
    const raw = untouchedSource(node as Nodes);
    if (raw != null && (!raw.includes('\n') || !state.stack.some((c) => c === 'listItem' || c === 'blockquote'))) return raw;
    return handle(node, parent, state, info);
  };
  const peek = (handle as Handle & { peek?: Handle }).peek;
  if (peek) (wrapped as Handle & { peek?: Handle }).peek = peek;
  return wrapped;
}
const handlers: Partial<Handlers> = Object.fromEntries(
  // math too: an untouched `$$…$$` in a changed paragraph stays `$$…$$` (remark-math would write `$…$`)
  Object.entries({ ...defaultHandlers, ...mathToMarkdown().handlers, strong }).map(([name, h]) => [name, faithful(h as Handle)]),
);

/** Blocks that followed each other without a blank line in the source stay that way (`- a` / `* b`: two lists). */
const keepTight = (left: Nodes, right: Nodes): number | undefined => {
  const a = sourceOfNode(left);
  const b = sourceOfNode(right);
  return a && b && b.lines[0] === a.lines[1] + 1 ? 0 : undefined;
};

const heading = (depth: number, text: string): Heading => ({ type: 'heading', depth: Math.min(6, depth) as Heading['depth'], children: [{ type: 'text', value: text }] });
const para = (text: string): Paragraph => ({ type: 'paragraph', children: [{ type: 'text', value: text }] });
/**
 * A deep copy without positions and rule data, keeping each node's source (`data.juanSource`) for
 * the faithful writer. A walk, not a JSON round trip with a replacer: that took ~50 ms of the main
 * thread per build (CPU profile of the content volume), while the tabs print.
 */
const stripData = <T extends RootContent>(n: T): T => copyNode(n) as T;
function copyNode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyNode);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || k === 'position') continue;
    if (k === 'data') {
      const source = (v as { juanSource?: unknown } | null)?.juanSource;
      if (source) out.data = { juanSource: JSON.parse(JSON.stringify(source)) };
      continue;
    }
    out[k] = copyNode(v);
  }
  return out;
}

export function volumeToMdast(volume: Volume, pageMap?: PageMap): Root {
  const style = volume.meta.toc?.pageNumberStyle ?? 'plain';
  const juan: JuanFrontMatter = {
    papers: volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers.map((x) => ({ id: x.id, index: x.index, title: x.title, tocTitle: x.tocTitle, oldPage: x.oldPage })))),
    missing: volume.missing.map(({ position: _p, ...m }) => m),
  };
  // metadata in the schema's key order, so writing is independent of how the config was assembled
  const meta: Record<string, unknown> = {};
  const m = volume.meta as unknown as Record<string, unknown>;
  for (const k of CONFIG_KEYS) if (m[k] != null) meta[k] = m[k];
  for (const k of Object.keys(m)) if (!(k in meta) && m[k] != null) meta[k] = m[k];
  const yaml = YAML.stringify({ ...meta, juan }, { lineWidth: 0 }).trimEnd();
  const children: RootContent[] = [{ type: 'yaml', value: yaml }];
  // front text (序, 前言…) where the print edition has it: before the 目录; `# title` when it has one
  for (const f of volume.front ?? []) {
    if (f.title) children.push(heading(1, f.title));
    for (const n of f.body) {
      const c = stripData(n);
      if (c.type === 'heading') c.depth = Math.min(6, 1 + c.depth) as Heading['depth'];
      children.push(c);
    }
  }
  children.push(heading(1, '目录'));
  for (const part of volume.parts) {
    if (part.label) children.push(heading(2, `${part.label} ${part.title}`.trim()));
    for (const ch of part.chapters) {
      if (ch.label) children.push(heading(3, `${ch.label} ${ch.title ?? ''}`.trim()));
      const lines = ch.papers.map((x) => {
        const title = x.subtitle ? `${x.title}——${x.subtitle}` : x.title;
        return [title, x.unit ?? '', tocPageNumber(pageMap?.targets[x.id]?.folio, style)].join('\t').replace(/\t+$/, '');
      });
      if (lines.length) children.push(para(lines.join('\n')));
    }
  }
  for (const part of volume.parts) {
    if (part.label) children.push(heading(1, `${part.label} ${part.title}`.trim()));
    for (const ch of part.chapters) {
      if (ch.label) children.push(heading(2, `${ch.label} ${ch.title ?? ''}`.trim()));
      for (const x of ch.papers) {
        children.push(heading(3, x.title));
        if (x.subtitle) children.push(para(`——${x.subtitle}`));
        if (x.unit) children.push(para(x.unit));
        for (const n of x.body) {
          const c = stripData(n);
          if (c.type === 'heading') c.depth = Math.min(6, 3 + c.depth) as Heading['depth'];
          children.push(c);
        }
      }
    }
  }
  return { type: 'root', children };
}

/** Stringify any mdast root the way the normalized manuscript is written. */
export function stringifyMarkdown(tree: Root): string {
  stringifier ??= makeStringifier();
  return stringifier.stringify(tree);
}

/** One frozen processor for every call (report.html stringifies each changed block: hundreds of calls). */
let stringifier: ReturnType<typeof makeStringifier> | undefined;
const makeStringifier = () =>
  unified()
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkStringify, { bullet: '-', emphasis: '*', strong: '*', rule: '-', fences: true, handlers, join: [keepTight] } as StringifyOptions)
    .freeze();

export function volumeToMarkdown(volume: Volume, pageMap?: PageMap): string {
  return stringifyMarkdown(volumeToMdast(volume, pageMap));
}
