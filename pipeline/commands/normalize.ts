/** `juan normalize`: manuscript → manuscript.normalized.md, toc.json, report.json (no layout). */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { PageMap, TocEntry, Volume } from '../model/types.ts';
import { publishOutputs, sweepStaleStaging } from '../output/atomic.ts';
import { writers } from '../render/writers.ts';
import { buildReport, type BuildReport } from '../render/report/report-json.ts';
import { startRun, type Callbacks, type CommonOptions, type ReadResult } from './inputs.ts';

export interface NormalizeResult extends ReadResult {
  report: BuildReport;
  written: string[];
}

/** What a build left in the output folder: its PDF, EPUB and print HTML. */
const BUILD_OUTPUTS = ['book.pdf', 'book.epub', 'print.html'];

/**
 * `--out` must never hold a toc.json and normalized manuscript that disagree with the book.pdf
 * there. When the papers are still those the PDF was built from (same ids, in order), the new
 * files keep the PDF's page numbers (from its toc.json); otherwise the build's outputs are out of
 * date and are renamed `*.stale.*` (kept, but no longer what `juan check` reads).
 */
function pagesOfLastBuild(out: string, volume: Volume): { pageMap: PageMap | null; stale: boolean } {
  if (!existsSync(join(out, 'book.pdf'))) return { pageMap: null, stale: false };
  let old: TocEntry[] = [];
  try {
    const data = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8')) as unknown;
    if (Array.isArray(data)) old = data as TocEntry[];
  } catch {
    /* no readable toc.json: the PDF cannot be matched */
  }
  const ids = volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers.map((x) => x.id)));
  const oldPapers = old.filter((e) => e.kind === 'paper');
  const same = oldPapers.length === ids.length && oldPapers.every((e, i) => e.id === ids[i] && e.page != null);
  if (!same) return { pageMap: null, stale: true };
  const targets = Object.fromEntries(old.filter((e) => e.page != null).map((e) => [e.id, { page: e.pdfPage ?? 0, folio: e.page! }]));
  return { pageMap: { pageCount: 0, pages: [], targets, pageStarts: [] }, stale: false };
}

export async function runNormalize(options: CommonOptions, callbacks: Callbacks = {}): Promise<NormalizeResult> {
  const { inputs, clock, warnings, onWarning, read } = await startRun(options, callbacks);
  const last = pagesOfLastBuild(inputs.out, read.volume);
  // Without a matching build the 目录 lines and toc.json carry no page numbers.
  const input = { volume: read.volume, pageMap: last.pageMap };
  const files = [...(await writers.markdown.write(input)), ...(await writers.toc.write(input)), ...(await writers.report.write(input))];
  if (last.stale) {
    onWarning(`输出文件夹中的 ${BUILD_OUTPUTS.filter((f) => existsSync(join(inputs.out, f))).join('、')} 来自书稿改动之前的构建，与新的目录不一致，已改名为 *.stale.*；请重新构建（npx juan build）`);
  }
  const report = buildReport(read.file, read.volume, { warnings, timings: clock.timings });
  files.push({ path: 'report.json', data: JSON.stringify(report, null, 2) + '\n' });
  sweepStaleStaging(inputs.out);
  const written = publishOutputs(inputs.out, files);
  if (last.stale) {
    for (const f of BUILD_OUTPUTS) {
      const path = join(inputs.out, f);
      if (existsSync(path)) renameSync(path, join(inputs.out, f.replace(/\.(\w+)$/, '.stale.$1')));
    }
  }
  return { ...read, report, written };
}
