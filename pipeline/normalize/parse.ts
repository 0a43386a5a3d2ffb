/**
 * The Markdown parse, paper by paper, with the trees of unchanged papers reused.
 *
 * micromark is most of normalization's time (about 1 s of the 1× bench volume's 1.3 s); after a
 * one-paragraph edit, 49 of 50 papers parse exactly as before. The clean source is cut before
 * every `# ` line that follows a blank line; each piece is parsed alone and its tree kept by the
 * piece's text (in memory for `juan preview`, on disk for the next `juan build`), then the pieces'
 * trees are joined with their positions moved to the whole text. The joined tree equals the whole
 * text's parse (tests/normalize/parse-pieces.test.ts compares them) because:
 * - after a blank line, a `# ` line at column 1 closes every container (a list item or block
 *   quote needs indentation or `>`; a paragraph cannot continue across a blank line), so nothing
 *   before it reaches after it — except a block that runs to the end of the document when left
 *   open (fenced code, `$$` math, `<!--`/`<script>` HTML): a piece whose last block could be such
 *   a block (code, math or html ending where the piece's text ends) is parsed together with the next;
 * - definitions (`[x]: url`, `[^1]: …`) are document-wide — a reference is read as one only if its
 *   label is defined anywhere — so a text with `]:` in it is parsed whole;
 * - front matter is only read at the very start: a text that opens with `---` and whose first piece
 *   has no front matter (it may have been cut inside it, at a YAML `# ` comment) is parsed whole.
 */
import { readFileSync } from 'node:fs';
import type { Root, RootContent } from 'mdast';
import type { Node } from 'unist';
import type { Processor } from 'unified';
import { BuildCache, hashKey } from '../cache/store.ts';
import { projectPath } from '../paths.ts';

/** Any unified processor with a parser. */
type Parser = Processor<any, any, any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The trees of pieces parsed before: in this process (preview's rebuilds) and on disk. */
export class ParseCache {
  private memory = new Map<string, string>();
  private used = new Set<string>();
  constructor(private readonly disk?: BuildCache) {}

  get(key: string): string | null {
    this.used.add(key);
    const hit = this.memory.get(key);
    if (hit != null) return hit;
    const data = this.disk?.get('parse', key, 'json');
    if (!data) return null;
    const json = data.toString('utf8');
    this.memory.set(key, json);
    return json;
  }

  put(key: string, json: string): void {
    this.used.add(key);
    this.memory.set(key, json);
    this.disk?.put('parse', key, 'json', json);
  }

  /** Keep in memory only the pieces of the last parse (an editor's session would otherwise grow without end). */
  settle(): void {
    for (const key of this.memory.keys()) if (!this.used.has(key)) this.memory.delete(key);
    this.used.clear();
  }
}

/** One cache for every parse in this process; `juan build` adds its disk folder (parseCacheFor). */
const processCache = new ParseCache();
const diskCaches = new Map<string, ParseCache>();

/** The parse cache of a build cache folder (its `parse/` entries), shared by the builds of this process. */
export function parseCacheFor(dir: string | undefined): ParseCache {
  if (!dir) return processCache;
  let cache = diskCaches.get(dir);
  if (!cache) diskCaches.set(dir, (cache = new ParseCache(new BuildCache(dir))));
  return cache;
}

/** Start offsets of the pieces: 0, then every `# ` line after a blank line. */
export function pieceStarts(text: string): number[] {
  const starts = [0];
  const cut = /\n[ \t]*\n(?=# )/g;
  for (let m = cut.exec(text); m; m = cut.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

/** Parse `text` with `parser` (a processor with the parse plugins only), reusing unchanged pieces. */
export function parseInPieces(parser: Parser, text: string, cache: ParseCache = processCache): Root {
  const whole = () => parser.parse(text) as Root;
  if (text.includes(']:')) return whole();
  const starts = pieceStarts(text);
  if (starts.length < 2) return whole();
  const id = parserIdOf(parser);
  const children: RootContent[] = [];
  let first: Root | undefined;
  let piece!: Root;
  let line = 0; // lines before the current piece
  let lastLine = 0;
  let lastOffset = 0;
  for (let i = 0; i < starts.length; ) {
    // a piece, grown by the next while its last block may be a block left open
    let j = i + 1;
    for (;;) {
      const slice = text.slice(starts[i], j < starts.length ? starts[j] : text.length);
      piece = parsePiece(parser, slice, cache, id);
      if (j >= starts.length || !mayRunOn(piece, slice)) break;
      j++;
    }
    // front matter is read only at the very start: a first piece without it, in a text that may
    // have it, may have been cut inside it
    if (i === 0 && /^---/.test(text) && piece.children[0]?.type !== 'yaml') return whole();
    first ??= piece;
    const offset = starts[i]!;
    for (const node of piece.children) shift(node, line, offset);
    lastLine = line;
    lastOffset = offset;
    children.push(...piece.children);
    const end = j < starts.length ? starts[j]! : text.length;
    line += countLines(text, offset, end);
    i = j;
  }
  // the root spans what the whole text's parse would: from the first piece's start to the last one's end
  const end = piece.position!.end;
  const last = { line: end.line + lastLine, column: end.column, offset: end.offset == null ? undefined : end.offset + lastOffset };
  cache.settle();
  return { type: 'root', children, position: { start: first!.position!.start, end: last } };
}

function parsePiece(parser: Parser, piece: string, cache: ParseCache, parserId: string): Root {
  const key = hashKey(parserId, piece);
  const hit = cache.get(key);
  if (hit != null) return JSON.parse(hit) as Root;
  const json = JSON.stringify(parser.parse(piece));
  cache.put(key, json);
  // the tree handed out is a fresh copy, like a hit's: the rules change it in place
  return JSON.parse(json) as Root;
}

/** Whether the piece's last block may be a block left open, which in the whole text would run into the next piece. */
function mayRunOn(piece: Root, text: string): boolean {
  const last = piece.children[piece.children.length - 1];
  if (!last) return false;
  if (last.type !== 'code' && last.type !== 'math' && last.type !== 'html') return false;
  const end = last.position?.end.offset ?? text.length;
  return text.slice(end).trim() === '';
}

/** Number of line breaks in text[from, to). */
function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = text.indexOf('\n', from); k !== -1 && k < to; k = text.indexOf('\n', k + 1)) n++;
  return n;
}

/** Move every position of a piece's node to the whole text (pieces start at a line's start: columns stay). */
function shift(node: Node, line: number, offset: number): void {
  const pos = node.position;
  if (pos) {
    pos.start.line += line;
    pos.end.line += line;
    if (pos.start.offset != null) pos.start.offset += offset;
    if (pos.end.offset != null) pos.end.offset += offset;
  }
  const kids = (node as { children?: Node[] }).children;
  if (kids) for (const c of kids) shift(c, line, offset);
}

const ids = new WeakMap<Parser, string>();

/**
 * What decides a parse besides the text: the parser plugins (their source) and the versions of the
 * packages behind them. The disk cache is keyed by it, so an upgrade never reuses an old tree.
 */
export function parserIdOf(processor: Parser): string {
  let id = ids.get(processor);
  if (!id) {
    const attachers = (processor as unknown as { attachers: Array<[unknown, ...unknown[]]> }).attachers;
    id = hashKey(PARSE_FORMAT, versions(), ...attachers.map(([plugin, ...options]) => `${String(plugin)}|${JSON.stringify(options)}`));
    ids.set(processor, id);
  }
  return id;
}

/** Bump when the stored form of a piece changes. */
const PARSE_FORMAT = 'juan-parse-1';

/** The installed packages as npm last wrote them (micromark and its extensions among them). */
function versions(): string {
  for (const file of ['node_modules/.package-lock.json', 'package-lock.json']) {
    try {
      return readFileSync(projectPath(file), 'utf8');
    } catch { /* next */ }
  }
  return 'unknown';
}
