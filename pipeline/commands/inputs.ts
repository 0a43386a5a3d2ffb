/**
 * Resolve the command-line inputs: which manuscript, which book.yaml, which output folder;
 * then read the manuscript once into the volume model.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { VFile } from 'vfile';
import type { Root } from 'mdast';
import { loadConfig } from '../config/load.ts';
import type { BookConfig } from '../config/schema.ts';
import { normalizeManuscriptSteps } from '../normalize/index.ts';
import { allAtOnce, inTurns, type Steps } from '../in-turns.ts';
import type { ParseCache } from '../normalize/parse.ts';
import type { Volume } from '../model/types.ts';
import { JuanError } from '../report/errors.ts';
import { Stopwatch } from './stopwatch.ts';

export interface CommonOptions {
  /** Manuscript path; default: the Markdown file in manuscript/. */
  manuscript?: string;
  /** book.yaml path; default: book.yaml beside the manuscript. */
  config?: string;
  /** Output folder; default dist/. */
  out?: string;
  /** Project root (for defaults); default the current directory. */
  cwd?: string;
}

export interface Callbacks {
  onStage?: (stage: string) => void;
  onPage?: (pages: number) => void;
  /** Non-fatal notices for the editor (Chinese). */
  onWarning?: (message: string) => void;
}

export interface ResolvedInputs {
  manuscript: string;
  configPath: string | null;
  out: string;
}

export function resolveInputs(options: CommonOptions): ResolvedInputs {
  const cwd = resolve(options.cwd ?? process.cwd());
  let manuscript = options.manuscript ? resolve(cwd, options.manuscript) : null;
  if (!manuscript) {
    const dir = join(cwd, 'manuscript');
    const candidates = existsSync(dir) ? readdirSync(dir).filter((f) => /\.(md|markdown|txt)$/i.test(f)).sort() : [];
    if (candidates.length === 0) {
      throw new JuanError('usage', '没有找到书稿：manuscript/ 中没有 .md 文件', { file: dir, source: 'input', hint: '用 --manuscript 指定书稿文件' });
    }
    manuscript = join(dir, candidates[0]!);
  }
  // A path that leads nowhere is a usage error (exit 2) for every command and every input:
  // the manuscript here, book.yaml in config/load.ts, book.pdf for `juan check`.
  if (!existsSync(manuscript)) {
    throw new JuanError('usage', '找不到书稿文件', { file: manuscript, source: 'input', hint: '用 --manuscript 指定书稿路径（默认使用 manuscript/ 中的 .md 文件）' });
  }
  if (statSync(manuscript).isDirectory()) {
    throw new JuanError('usage', '书稿路径是一个目录，不是文件', { file: manuscript, source: 'input', hint: '用 --manuscript 指定目录中的 .md 文件' });
  }
  const configPath = options.config
    ? resolve(cwd, options.config)
    : existsSync(join(dirname(manuscript), 'book.yaml'))
      ? join(dirname(manuscript), 'book.yaml')
      : null;
  return { manuscript, configPath, out: resolve(cwd, options.out ?? 'dist') };
}

export interface ReadResult {
  volume: Volume;
  file: VFile;
  tree: Root;
  config: BookConfig;
}

/** Read book.yaml (or fall back to the manuscript's own front matter) and the manuscript. */
export function readVolume(inputs: ResolvedInputs, callbacks: Callbacks = {}, onConfig?: (config: BookConfig | null) => void, parseCache?: ParseCache): ReadResult {
  return allAtOnce(readVolumeSteps(inputs, callbacks, onConfig, parseCache));
}

function* readVolumeSteps(inputs: ResolvedInputs, callbacks: Callbacks, onConfig?: (config: BookConfig | null) => void, parseCache?: ParseCache): Steps<ReadResult> {
  callbacks.onStage?.('normalize');
  const config = inputs.configPath ? loadConfig(inputs.configPath) : null;
  onConfig?.(config);
  const { file, tree, volume } = yield* normalizeManuscriptSteps({ path: inputs.manuscript, config: config ?? undefined, parseCache });
  // without book.yaml, buildVolume took the metadata from the manuscript (metaWithoutConfig)
  if (!config) callbacks.onWarning?.(`书稿旁没有 book.yaml：书名、日期等取自书稿本身和默认值（${inputs.manuscript}）`);
  return { volume, file, tree, config: volume.meta };
}

/** What every command starts with: resolved inputs, a stopwatch, collected warnings, the volume read once. */
export interface RunStart {
  inputs: ResolvedInputs;
  clock: Stopwatch;
  warnings: string[];
  onWarning: (message: string) => void;
  read: ReadResult;
}

/** `onConfig`: book.yaml is read and valid (null: there is none), the manuscript not yet. `parseCache`: see normalize/parse.ts. */
export async function startRun(options: CommonOptions, callbacks: Callbacks = {}, onConfig?: (config: BookConfig | null) => void, parseCache?: ParseCache): Promise<RunStart> {
  const inputs = resolveInputs(options);
  const clock = new Stopwatch();
  const warnings: string[] = [];
  const onWarning = (w: string) => {
    warnings.push(w);
    callbacks.onWarning?.(w);
  };
  // in turns: the browser that onConfig starts, and its layout tabs, get on meanwhile (in-turns.ts)
  const read = await clock.timeAsync('normalize', () => inTurns(readVolumeSteps(inputs, { ...callbacks, onWarning }, onConfig, parseCache)));
  return { inputs, clock, warnings, onWarning, read };
}
