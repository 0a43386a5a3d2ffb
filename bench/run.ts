/**
 * `npm run bench`: the build at full size (50 papers, ~290 pages) and at 2×, measured against
 * the browser's own limit in the same run:
 *   chromium   Chromium printing the same print.html without any pagination polyfill
 *   paged      a plain single-document Paged.js render of the same print.html
 *   cold       `juan build` (PDF + EPUB + 目录) with no cache
 *   warm       `juan build` again after changing one paragraph of one paper
 * Prints seconds, ratios to the chromium time, pages, and the peak memory of the whole process
 * tree (Chromium included). Ratios from one run are what we quote; nothing here is asserted.
 *
 *   npm run bench [-- --scales 1,2]
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeVolume } from './make-volume.ts';
import { measure, type Measured } from './process-tree.ts';
import { CHROMIUM_ARGS, findChromium } from '../pipeline/render/print/browser.ts';

const ROOT = join(import.meta.dirname, '..');
const WORK = join(ROOT, 'bench', '.out');
const JUAN = [join(ROOT, 'bin', 'juan.js')];
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

const { values } = parseArgs({ options: { scales: { type: 'string', default: '1,2' } } });
const scales = values.scales!.split(',').map(Number);

function fail(what: string, run: Measured): never {
  printTable();
  process.stderr.write(`${what} failed (exit ${run.code}):\n${run.stderr}\n`);
  process.exit(1);
}

/** The table so far (printed after each volume, so a long run shows its results as it goes). */
function printTable(): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  for (const row of rows) process.stdout.write(row.map((c, i) => c.padEnd(widths[i]!)).join('  ') + '\n');
  process.stdout.write('\n');
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const rows: string[][] = [['volume', 'pages', 'step', 'seconds', '× chromium', 'peak memory']];

for (const scale of scales) {
  const name = `volume-x${scale}`;
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manuscript = join(dir, '论文集.md');
  writeFileSync(manuscript, makeVolume({ scale }));
  copyFileSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
  const out = join(dir, 'dist');
  const cache = join(dir, 'cache');
  const build = (extra: string[]) => measure(process.execPath, [...JUAN, 'build', '--manuscript', manuscript, '--out', out, '--quiet', ...extra], { cwd: ROOT });

  process.stderr.write(`[${name}] cold build…\n`);
  const cold = await build(['--no-cache', '--cache', cache]);
  if (cold.code !== 0) fail('cold build', cold);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const pages: number = report.pages;

  process.stderr.write(`[${name}] juan check…\n`);
  const check = await measure(process.execPath, [...JUAN, 'check', '--out', out], { cwd: ROOT });
  if (check.code !== 0) fail('juan check', check);

  process.stderr.write(`[${name}] warm build (cache primed, then one paragraph edited)…\n`);
  const primed = await build(['--cache', cache]);
  if (primed.code !== 0) fail('priming build', primed);
  const text = readFileSync(manuscript, 'utf8');
  const at = text.indexOf('\n', Math.floor(text.length * 0.6)) + 1; // a paragraph in a middle paper
  writeFileSync(manuscript, text.slice(0, at) + '（编辑校改）' + text.slice(at));
  const warm = await build(['--cache', cache]);
  if (warm.code !== 0) fail('warm build', warm);
  const checkWarm = await measure(process.execPath, [...JUAN, 'check', '--out', out], { cwd: ROOT });
  if (checkWarm.code !== 0) fail('juan check after the warm build', checkWarm);

  process.stderr.write(`[${name}] Chromium alone, plain Paged.js…\n`);
  const chromium = await measure(findChromium(), [...CHROMIUM_ARGS, `--user-data-dir=${join(dir, 'chromium-profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${join(dir, 'chromium.pdf')}`, `file://${join(out, 'print.html')}`]);
  if (chromium.code !== 0) fail('chromium --print-to-pdf', chromium);
  const paged = await measure(TSX, [join(ROOT, 'bench', 'paged-plain.ts'), out, join(dir, 'paged.pdf')], { cwd: ROOT });
  if (paged.code !== 0) fail('plain Paged.js', paged);

  const ratio = (m: Measured) => (m.seconds / chromium.seconds).toFixed(2);
  for (const [step, m] of [['chromium print (no polyfill)', chromium], ['plain Paged.js', paged], ['juan build cold', cold], ['juan build warm (1 paragraph)', warm]] as const) {
    rows.push([name, String(pages), step, m.seconds.toFixed(1), ratio(m), mb(m.peakBytes)]);
  }
  rows.push([name, String(pages), 'juan build stages (cold)', Object.entries(report.timings).map(([k, v]) => `${k} ${((v as number) / 1000).toFixed(1)}s`).join(', '), '', '']);
  const warmReport = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  rows.push([name, String(pages), 'juan build stages (warm)', Object.entries(warmReport.timings).map(([k, v]) => `${k} ${((v as number) / 1000).toFixed(1)}s`).join(', ') + `; papers laid out: ${warmReport.cache?.papersLaidOut?.length ?? '?'}`, '', '']);
  printTable();
}
