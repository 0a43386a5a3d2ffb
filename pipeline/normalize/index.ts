/**
 * normalizeManuscript: clean the source (encoding hygiene, see hygiene.ts), parse it once
 * (remark-parse + remark-frontmatter) with positions in the original file, run the rule
 * preset on the tree (messages with positions in the original file), build the volume model.
 * The returned tree keeps every node; roles are in `node.data.juan` (front/toc/part/chapter/paper-…).
 */
import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from './gfm.ts';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { VFile } from 'vfile';
import type { BookConfig } from '../config/schema.ts';
import { buildVolume } from '../model/build-volume.ts';
import type { Volume } from '../model/types.ts';
import { preset } from './preset.ts';
import { extractFrontMatter, readManuscript } from './read-manuscript.ts';
import { readControl } from './control.ts';
import { recordSources, settleSources } from './source.ts';
import { labelLookups, parseInPiecesSteps, type ParseCache } from './parse.ts';
import { allAtOnce, type Steps } from '../in-turns.ts';
import { sourceOf, toOriginalPositions } from './text.ts';

export { preset, ruleIds } from './preset.ts';
export { readManuscript, decodeManuscript } from './read-manuscript.ts';

export interface NormalizeOptions {
  path: string;
  /** The manuscript's text; read from `path` when absent. */
  text?: string;
  config?: BookConfig;
  /** Trees of the manuscript's pieces parsed before (parse.ts); default: this process's. */
  parseCache?: ParseCache;
}

export interface NormalizeResult {
  file: VFile;
  tree: Root;
  volume: Volume;
}

/** The parser alone (no rules): its trees do not depend on book.yaml, so they are kept between builds (parse.ts). */
const parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkMath).use(labelLookups).freeze();

/** Parse + run the preset (no model). Useful for rule tests. */
export function normalizeTree(file: VFile, config?: Partial<BookConfig>, parseCache?: ParseCache): Root {
  return allAtOnce(normalizeTreeSteps(file, config, parseCache));
}

/** normalizeTree, a step per parsed piece and per rule (in-turns.ts). */
function* normalizeTreeSteps(file: VFile, config?: Partial<BookConfig>, parseCache?: ParseCache): Steps<Root> {
  // book.yaml `normalize.rules`: a rule switched off for the whole book is left out of the preset
  const rules = (config?.normalize?.rules ?? {}) as Record<string, string>;
  const off = preset.filter((r) => rules[r.id] === 'off').map((r) => r.id);
  // the parser reads the text after encoding hygiene; positions are then moved to the original file
  const tree = yield* parseInPiecesSteps(parser, sourceOf(file), parseCache);
  toOriginalPositions(tree, file);
  // front-matter blocks leave the text first (read-manuscript.ts); then, before any rule, the
  // writer records the source of every node so that nodes no rule changes are written as they were
  extractFrontMatter(tree, file);
  recordSources(tree, file);
  readControl(tree, file, off);
  // the preset's rules in order, each a transformer of its own: a turn may come between two
  let out = tree;
  for (const rule of preset) {
    if (off.includes(rule.id)) continue;
    out = unified().use(rule.plugin, { config }).runSync(out, file) as Root;
    yield;
  }
  settleSources(out, file);
  return out;
}

/**
 * The normalization run behind a volume (its messages and final tree), for the review report: writers
 * read the volume alone, and the model has no place for rule internals.
 */
export const runOf = new WeakMap<Volume, { file: VFile; tree: Root }>();

export function normalizeManuscript(options: NormalizeOptions): NormalizeResult {
  return allAtOnce(normalizeManuscriptSteps(options));
}

/** normalizeManuscript, a step per parsed piece and per rule (in-turns.ts). */
export function* normalizeManuscriptSteps(options: NormalizeOptions): Steps<NormalizeResult> {
  const file = options.text != null ? new VFile({ path: options.path, value: options.text }) : readManuscript(options.path);
  const tree = yield* normalizeTreeSteps(file, options.config, options.parseCache);
  const volume = buildVolume(tree, file, options.config);
  runOf.set(volume, { file, tree });
  return { file, tree, volume };
}
