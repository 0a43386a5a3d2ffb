/**
 * `juan build`: manuscript → book.pdf, print.html, book.epub, toc.json,
 * manuscript.normalized.md (目录 with the real page numbers), report.json.
 * Everything is produced in memory/staging first and published only when all succeeded.
 */
import type { PageMap } from '../model/types.ts';
import { publishOutputs, sweepStaleStaging, type OutputFile } from '../output/atomic.ts';
import { writers, type WriterContext, type WriterName } from '../render/writers.ts';
import { buildReport, type BuildReport } from '../report/report-json.ts';
import { readVolume, resolveInputs, type Callbacks, type CommonOptions, type ReadResult } from './inputs.ts';
import { Stopwatch } from './stopwatch.ts';

export interface BuildOptions extends CommonOptions {
  /** Add bleed and crop marks for the printer. */
  printReady?: boolean;
  /** Skip the EPUB (faster proofing builds). */
  epub?: boolean;
}

export interface BuildResult extends ReadResult {
  pageMap: PageMap;
  report: BuildReport;
  written: string[];
}

/** Print first (it yields the page map); the other writers read the page map. */
const ORDER: WriterName[] = ['print', 'markdown', 'toc', 'epub'];

export async function runBuild(options: BuildOptions, callbacks: Callbacks = {}): Promise<BuildResult> {
  const inputs = resolveInputs(options);
  const clock = new Stopwatch();
  const warnings: string[] = [];
  const onWarning = (w: string) => { warnings.push(w); callbacks.onWarning?.(w); };
  const read = clock.time('normalize', () => readVolume(inputs, { ...callbacks, onWarning }));
  const ctx: WriterContext = {
    volume: read.volume,
    pageMap: null,
    printReady: options.printReady ?? false,
    timeoutMs: read.volume.meta.build.timeoutSeconds * 1000,
    onStage: callbacks.onStage,
    onPage: callbacks.onPage,
  };
  const files: OutputFile[] = [];
  for (const name of ORDER) {
    if (name === 'epub' && options.epub === false) continue;
    callbacks.onStage?.(name);
    const result = await clock.timeAsync(name, () => writers[name].write(ctx));
    files.push(...result.files);
    if (result.pageMap) ctx.pageMap = result.pageMap;
    for (const w of result.warnings ?? []) onWarning(w);
  }
  const pageMap = ctx.pageMap!;
  const report = buildReport(read.file, read.volume, { warnings, timings: clock.timings, pages: pageMap.pageCount });
  files.push({ path: 'report.json', data: JSON.stringify(report, null, 2) + '\n' });
  callbacks.onStage?.('publish');
  sweepStaleStaging(inputs.out);
  const written = publishOutputs(inputs.out, files);
  return { ...read, pageMap, report, written };
}
