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
import { readManuscript } from './read-manuscript.ts';
import { sourceOf, toOriginalPositions } from './text.ts';

export { preset, ruleIds } from './preset.ts';
export { readManuscript, decodeManuscript } from './read-manuscript.ts';

export interface NormalizeOptions {
  path: string;
  /** The manuscript's text; read from `path` when absent. */
  text?: string;
  config?: BookConfig;
}

export interface NormalizeResult {
  file: VFile;
  tree: Root;
  volume: Volume;
}

/** Parse + run the preset (no model). Useful for rule tests. */
export function normalizeTree(file: VFile, config?: Partial<BookConfig>): Root {
  const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkMath);
  for (const rule of preset) processor.use(rule.plugin, { config });
  // the parser reads the text after encoding hygiene; positions are then moved to the original file
  const tree = processor.parse(sourceOf(file)) as Root;
  toOriginalPositions(tree, file);
  return processor.runSync(tree, file) as Root;
}

export function normalizeManuscript(options: NormalizeOptions): NormalizeResult {
  const file = options.text != null ? new VFile({ path: options.path, value: options.text }) : readManuscript(options.path);
  const tree = normalizeTree(file, options.config);
  const volume = buildVolume(tree, file, options.config);
  return { file, tree, volume };
}
