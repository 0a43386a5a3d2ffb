/**
 * The source of every node, kept for the normalized Markdown writer: text no rule touched must come out
 * byte-identical (escapes, emphasis markers, spacing), which re-serialising the tree cannot promise
 * (`\beta_{10}` would become `\beta\_{10}`). Right after the parse each node gets `data.juanSource`:
 * the clean text it was read from and a signature of its content; the writer reuses the text while
 * the signature still matches, i.e. while no rule changed the node.
 */
import type { Nodes, Root, Text } from 'mdast';
import type { Node } from 'unist';
import type { VFile } from 'vfile';
import { appendTexts, mapOf, originalOf, sourceSlice } from './text.ts';

export interface NodeSource {
  /** The clean source text (after encoding hygiene) the node was parsed from. */
  raw: string;
  /** signature(node) at parse time. */
  sig: string;
  /** First and last line in the original file. */
  lines: [number, number];
}

/**
 * A node's content without positions or data; adjacent text nodes count as one (rules split text
 * nodes to track positions and the model merges them again, neither changes the text).
 */
export function signature(node: Nodes): string {
  return canonicalJson(node);
}

/**
 * JSON of the node's content (children last, adjacent text nodes as one), written from the children's
 * own JSON: the same text as JSON.stringify of that object, without building it. `each` sees every
 * descendant's signature on the way, so a whole tree is signed in one pass.
 */
function canonicalJson(node: Nodes, each?: (node: Nodes, sig: string) => void): string {
  const own: Record<string, unknown> = {};
  for (const k of Object.keys(node)) if (k !== 'position' && k !== 'data' && k !== 'children') own[k] = node[k as keyof Nodes];
  const json = JSON.stringify(own);
  if (!('children' in node)) return json;
  let kids = '';
  let text: string | null = null;
  const flush = () => {
    if (text == null) return;
    kids += `${kids ? ',' : ''}{"type":"text","value":${JSON.stringify(text)}}`;
    text = null;
  };
  for (const c of node.children as Nodes[]) {
    if (c.type === 'text') {
      text = (text ?? '') + c.value;
      if (each) each(c, canonicalJson(c));
      continue;
    }
    flush();
    const sig = canonicalJson(c, each);
    if (each) each(c, sig);
    kids += `${kids ? ',' : ''}${sig}`;
  }
  flush();
  return `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}"children":[${kids}]}`;
}

export function sourceOfNode(node: Nodes): NodeSource | undefined {
  return (node as { data?: { juanSource?: NodeSource } }).data?.juanSource;
}

/** Record `data.juanSource` on every node of a freshly parsed tree (positions in the original file). */
export function recordSources(tree: Root, file: VFile): void {
  canonicalJson(tree, (node, sig) => {
    if (node.type === 'yaml') return;
    const raw = sourceSlice(file, node);
    const pos = (node as Node).position;
    if (raw != null && pos) ((node as { data?: Record<string, unknown> }).data ??= {}).juanSource = { raw, sig, lines: [pos.start.line, pos.end.line] } satisfies NodeSource;
  });
}

/** The node's source text when no rule changed it since the parse, else undefined. */
export function untouchedSource(node: Nodes): string | undefined {
  const s = sourceOfNode(node);
  return s && s.sig === signature(node) ? s.raw : undefined;
}

/**
 * After the rules: adjacent text nodes are merged (keeping their maps), and every text node a rule changed
 * gets a new source built from the original around its edits, so its untouched characters keep their
 * escapes (`\\_`) and only what a rule inserted is new. The writer then writes it like an untouched node.
 */
export function settleSources(tree: Root, file: VFile): void {
  const original = originalOf(file);
  const walk = (node: Nodes) => {
    if (!('children' in node)) return;
    const kids = node.children as Nodes[];
    // each run of text nodes becomes its first (in one pass: merging pairwise copied the map and the list again for every node)
    let kept = 0;
    for (let i = 0; i < kids.length; ) {
      const a = kids[i]!;
      let j = i + 1;
      if (a.type === 'text') while (j < kids.length && kids[j]!.type === 'text') j++;
      if (j > i + 1) appendTexts(file, a as Text, kids.slice(i + 1, j) as Text[]);
      kids[kept++] = a;
      i = j;
    }
    kids.length = kept;
    for (const c of kids) {
      if (c.type === 'text') {
        const src = sourceOfNode(c);
        if (!src || src.sig !== signature(c)) rebuild(c);
      } else walk(c);
    }
  };
  const rebuild = (node: Text) => {
    const map = mapOf(file, node);
    const pos = node.position;
    if (!map || !pos || pos.start.offset == null) return;
    const from = pos.start.offset;
    const v = node.value;
    let out = '';
    let last = from - 1; // original offset of the last character copied from the original
    for (let i = 0; i < v.length; i++) {
      const o = map[i];
      if (o >= from && o > last && original[o] === v[i]) {
        if (original[o - 1] === '\\' && o - 1 > last && o - 1 >= from) out += '\\';
        out += v[i];
        last = o;
      } else out += v[i];
    }
    const lines: [number, number] = [pos.start.line, pos.end.line];
    ((node as { data?: Record<string, unknown> }).data ??= {}).juanSource = { raw: out, sig: signature(node), lines } satisfies NodeSource;
  };
  walk(tree);
}
