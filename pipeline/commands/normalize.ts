/** `juan normalize`: manuscript → manuscript.normalized.md, toc.json, report.json (no layout). */
import { publishOutputs, sweepStaleStaging } from '../output/atomic.ts';
import { writers } from '../render/writers.ts';
import { buildReport, type BuildReport } from '../report/report-json.ts';
import { startRun, type Callbacks, type CommonOptions, type ReadResult } from './inputs.ts';

export interface NormalizeResult extends ReadResult {
  report: BuildReport;
  written: string[];
}

export async function runNormalize(options: CommonOptions, callbacks: Callbacks = {}): Promise<NormalizeResult> {
  const { inputs, clock, warnings, onWarning, read } = startRun(options, callbacks);
  // Nothing laid out: the 目录 lines and toc.json carry no page numbers.
  const input = { volume: read.volume, pageMap: null };
  const files = [...(await writers.markdown.write(input)), ...(await writers.toc.write(input)), ...(await writers.report.write(input))];
  const report = buildReport(read.file, read.volume, { warnings, timings: clock.timings });
  files.push({ path: 'report.json', data: JSON.stringify(report, null, 2) + '\n' });
  sweepStaleStaging(inputs.out);
  const written = publishOutputs(inputs.out, files);
  return { ...read, report, written };
}
