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
 *   label is defined anywhere. micromark registers every definition while it reads the blocks and
 *   looks labels up only afterwards, when it reads the inline text; so each piece's parse records
 *   the labels it defines and the labels it looked up in vain (labelLookups below). A piece that
 *   looked up a label another piece defines is parsed again with the whole text's labels known,
 *   which is what the whole text's parse sees at that moment;
 * - front matter is only read at the very start: a text that opens with `---` and whose first piece
 *   has no front matter (it may have been cut inside it, at a YAML `# ` comment) is parsed whole.
 */
import { readFileSync } from 'node:fs';
import type { Root, RootContent } from 'mdast';
import type { Node } from 'unist';
import type { Processor } from 'unified';
import { BuildCache, hashKey } from '../cache/store.ts';
import { projectPath } from '../paths.ts';
import { allAtOnce, type Steps } from '../in-turns.ts';

/** Any unified processor with a parser. */
type Parser = Processor<any, any, any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The trees of pieces parsed before: in this process (preview's rebuilds) and on disk. */
export class ParseCache {
  private memory = new Map<string, string>();
  private used = new Set<string>();
  /** `pieces: false`: always parse the whole text — the reference the pieces are tested against. */
  constructor(private readonly disk?: BuildCache, readonly pieces = true) {}

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
  return allAtOnce(parseInPiecesSteps(parser, text, cache));
}

/** parseInPieces, a step per piece (in-turns.ts). */
export function* parseInPiecesSteps(parser: Parser, text: string, cache: ParseCache = processCache): Steps<Root> {
  const whole = () => parser.parse(text) as Root;
  const starts = pieceStarts(text);
  if (starts.length < 2 || !cache.pieces) return whole();
  const id = parserIdOf(parser);
  const groups: Array<{ slice: string; offset: number; end: number; piece: Piece }> = [];
  for (let i = 0; i < starts.length; ) {
    // a piece, grown by the next while its last block may be a block left open
    let j = i + 1;
    let slice: string;
    let piece: Piece;
    for (;;) {
      slice = text.slice(starts[i], j < starts.length ? starts[j] : text.length);
      piece = parsePiece(parser, slice, cache, id);
      yield;
      if (j >= starts.length || !mayRunOn(piece.tree, slice)) break;
      j++;
    }
    // front matter is read only at the very start: a first piece without it, in a text that may
    // have it, may have been cut inside it
    if (i === 0 && /^---/.test(text) && piece.tree.children[0]?.type !== 'yaml') return whole();
    // a parse that could not record its labels (a parser without labelLookups): only the whole text is sure
    if (!piece.own) return whole();
    groups.push({ slice, offset: starts[i]!, end: j < starts.length ? starts[j]! : text.length, piece });
    i = j;
  }
  // the labels the whole text defines; a piece that looked one of them up in vain is read again knowing them
  const known = new Set(groups.flatMap((g) => g.piece.own!));
  if (known.size) {
    for (const g of groups) {
      if (answersHold(g.piece, known)) continue;
      g.piece = parsePiece(parser, g.slice, cache, id, known, g.piece);
      yield;
    }
  }
  const children: RootContent[] = [];
  let line = 0; // lines before the current piece
  let lastLine = 0;
  let lastOffset = 0;
  for (const { piece: { tree }, offset, end } of groups) {
    for (const node of tree.children) shift(node, line, offset);
    lastLine = line;
    lastOffset = offset;
    children.push(...tree.children);
    line += countLines(text, offset, end);
  }
  // the root spans what the whole text's parse would: from the first piece's start to the last one's end
  const first = groups[0]!.piece.tree;
  const end = groups[groups.length - 1]!.piece.tree.position!.end;
  const last = { line: end.line + lastLine, column: end.column, offset: end.offset == null ? undefined : end.offset + lastOffset };
  cache.settle();
  return { type: 'root', children, position: { start: first.position!.start, end: last } };
}

/**
 * A piece's tree and what its parse knew of labels (`l` + micromark's identifier for links and images,
 * `f` + it for footnotes): the labels it defines (`own`; undefined when the parse could not record them)
 * and every label it looked up that it does not define, with the answer it got.
 */
interface Piece {
  tree: Root;
  own?: string[];
  asked: Record<string, boolean>;
}

/** Would the piece's parse get the same answers if `known` were the labels defined? */
function answersHold(piece: Piece, known: Set<string>): boolean {
  for (const [label, answer] of Object.entries(piece.asked)) if (known.has(label) !== answer) return false;
  return true;
}

/**
 * Parse a piece (or take it from the cache). With `known` (the whole text's labels), lookups the
 * piece's own definitions do not answer are answered by `known`; such a tree is kept under the labels
 * it found there (`alone`: the piece's parse without them) and reused while its answers hold.
 */
function parsePiece(parser: Parser, text: string, cache: ParseCache, parserId: string, known?: Set<string>, alone?: Piece): Piece {
  const found = known && alone ? Object.keys(alone.asked).filter((l) => known.has(l)).sort() : [];
  const key = known ? hashKey(parserId, text, 'known', ...found) : hashKey(parserId, text);
  const hit = cache.get(key);
  if (hit != null) {
    const piece = JSON.parse(hit) as Piece;
    if (!known || answersHold(piece, known)) return piece;
  }
  const lookups: Lookups = { known: known ?? new Set(), asked: {}, own: null };
  lookupsNow = lookups;
  let tree: Root;
  try {
    tree = parser.parse(text) as Root;
  } finally {
    lookupsNow = null;
  }
  // no `[`, no definition and no lookup: nothing to record
  const own = alone?.own ?? (lookups.own ? [...new Set([...lookups.own.defined.map((l) => `l${l}`), ...lookups.own.footnotes.map((l) => `f${l}`)])] : text.includes('[') ? undefined : []);
  // a footnote definition asks whether its label is known before adding it: not a lookup of a reference
  for (const label of own ?? []) delete lookups.asked[label];
  const piece: Piece = { tree, own, asked: lookups.asked };
  cache.put(key, JSON.stringify(piece));
  // the rules change the tree in place: the cache keeps its text, and mdast-util-from-markdown's nodes are
  // plain objects that share nothing and hold no undefined, so the tree is what a hit's JSON.parse gives
  return piece;
}

/** The parse under way in parsePiece: the labels it may know beyond its own, and what it recorded. */
interface Lookups {
  known: Set<string>;
  asked: Record<string, boolean>;
  own: { defined: string[]; footnotes: string[] } | null;
}
let lookupsNow: Lookups | null = null;

/**
 * The labels a piece defines and looks up, read from micromark itself: its parser keeps the defined
 * labels in two lists (`defined` for links, `gfmFootnotes` for footnotes) and asks them `includes`.
 * A construct tried at the start of the document's lines (it never matches, so it changes no parse)
 * reaches the parser once and makes those lists record the lookups and answer from `known` too.
 * Outside parsePiece it does nothing.
 */
export function labelLookups(this: Processor): void {
  const data = this.data() as Record<string, unknown[] | undefined>;
  (data.micromarkExtensions ??= []).push({ document: { null: [recordLabels] } });
}

/** What of micromark's construct API is used here (its types are in micromark-util-types). */
type State = (code: number | null) => unknown;
interface Construct {
  tokenize(this: { parser: { defined: string[]; gfmFootnotes?: string[] } }, effects: unknown, ok: State, nok: State): State;
}

const recordLabels: Construct = {
  tokenize(_effects, _ok, nok) {
    const lookups = lookupsNow;
    if (lookups && !lookups.own) {
      const parser = this.parser;
      const footnotes = (parser.gfmFootnotes ??= []);
      lookups.own = { defined: parser.defined, footnotes };
      answerFrom(parser.defined, 'l', lookups);
      answerFrom(footnotes, 'f', lookups);
    }
    return nok;
  },
};

function answerFrom(list: string[], kind: string, lookups: Lookups): void {
  const includes = Array.prototype.includes;
  Object.defineProperty(list, 'includes', {
    value(label: string): boolean {
      if (includes.call(list, label)) return true;
      const answer = lookups.known.has(kind + label);
      lookups.asked[kind + label] = answer;
      return answer;
    },
  });
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
const PARSE_FORMAT = 'juan-parse-2';

/** The installed packages as npm last wrote them (micromark and its extensions among them). */
function versions(): string {
  for (const file of ['node_modules/.package-lock.json', 'package-lock.json']) {
    try {
      return readFileSync(projectPath(file), 'utf8');
    } catch { /* next */ }
  }
  return 'unknown';
}
