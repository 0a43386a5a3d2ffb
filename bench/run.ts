/**
 * `npm run bench`: the build at full size (50 papers, ~300 pages) and at 2×, measured against
 * the browser's own limit in the same run:
 *   chromium   Chromium printing the same print.html without any pagination polyfill
 *   paged      a plain single-document Paged.js render of the same print.html
 *   cold       `juan build` (PDF + EPUB + 目录) with no cache
 *   warm       `juan build` again after changing one paragraph of one paper
 *   add a page `juan build` from the primed cache after adding to the second paper a paragraph
 *              that makes it exactly one page longer (every later paper moves by a page)
 *   preview    `juan preview` with its page open in a real browser (bench/preview.ts): first
 *              view from a cold start, and save → edited page shown, for 3 one-paragraph edits
 * Each volume is measured in several rounds (--repeat, default 3); a round runs every step
 * once, one after another, so a step and the Chromium time it is divided by are measured under
 * the same load. The table gives per step the median seconds and the median of the per-round
 * ratios (with their range), pages, and the peak memory of the whole process tree (Chromium
 * included), measured in one more run of each step: sampling memory slows a run, so the
 * timed rounds are not sampled. `juan check` runs after every timed build. Ratios from one
 * run are what we quote; nothing here is asserted.
 * Variants (--variants, default both at scale 1, plain only at larger scales): `plain` is the
 * prose-only volume; `content` (volume-xK-content) is the same volume where every fifth paper
 * carries a table (the first longer than a page), a figure, footnotes, math and 参考文献
 * (bench/make-volume.ts --content). The preview steps run for the plain variant only.
 *
 *   npm run bench [-- --scales 1,2 --repeat 3 --variants plain,content]
 */
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeVolume, volumeFigures } from './make-volume.ts';
import { measurePreview } from './preview.ts';
import { measure, type Measured } from './process-tree.ts';
import { CHROMIUM_ARGS, findChromium } from '../pipeline/render/print/browser.ts';

const ROOT = join(import.meta.dirname, '..');
const WORK = join(ROOT, 'bench', '.out');
const JUAN = [join(ROOT, 'bin', 'juan.js')];
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

const { values } = parseArgs({ options: { scales: { type: 'string', default: '1,2' }, repeat: { type: 'string', default: '3' }, variants: { type: 'string' } } });
const scales = values.scales!.split(',').map(Number);
type Variant = 'plain' | 'content';
const variantsFor = (scale: number): Variant[] => {
  const asked = values.variants?.split(',').map((v) => v.trim()) ?? (scale === 1 ? ['plain', 'content'] : ['plain']);
  for (const v of asked) if (v !== 'plain' && v !== 'content') throw new Error(`--variants: unknown variant ${v} (plain, content)`);
  return asked as Variant[];
};
const repeat = Math.max(1, Number(values.repeat));

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
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const rows: string[][] = [['volume', 'pages', 'step', 'seconds (median)', '× chromium (median, range)', 'peak memory']];
const stages: string[] = [];

const STEPS = ['chromium print (no polyfill)', 'plain Paged.js', 'juan build cold', 'juan build warm (1 paragraph)', 'edit that adds a page to paper 2'] as const;
type Step = (typeof STEPS)[number];

// The install's own caches are made before anything is timed: the launcher's bundle
// (.cache/juan-cli, made again after any edit of juan's sources) and the decoded fonts
// (.cache/juan-fonts). The first build after installing or editing juan pays for them once.
{
  const warmDir = join(WORK, 'warm-up');
  rmSync(warmDir, { recursive: true, force: true });
  // the sample manuscript, and the content sample for the fonts of formulas and code
  for (const manuscript of [join(ROOT, 'manuscript', '论文集.md'), join(ROOT, 'tests', 'fixtures', 'content', '样稿.md')]) {
    const warm = await measure(process.execPath, [...JUAN, 'build', '--manuscript', manuscript, '--out', warmDir, '--no-cache', '--quiet'], { cwd: ROOT });
    if (warm.code !== 0) fail(`warm-up build of ${manuscript}`, warm);
  }
  rmSync(warmDir, { recursive: true, force: true });
}

for (const [scale, variant] of scales.flatMap((scale) => variantsFor(scale).map((v) => [scale, v] as const))) {
  const name = `volume-x${scale}${variant === 'content' ? '-content' : ''}`;
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manuscript = join(dir, '论文集.md');
  const original = makeVolume({ scale, content: variant === 'content' });
  writeFileSync(manuscript, original);
  if (variant === 'content') {
    for (const [path, data] of Object.entries(volumeFigures())) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), data);
    }
  }
  copyFileSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
  const out = join(dir, 'dist');
  const cache = join(dir, 'cache');
  const build = (extra: string[], memory = false) => measure(process.execPath, [...JUAN, 'build', '--manuscript', manuscript, '--out', out, '--quiet', ...extra], { cwd: ROOT, memory });
  const chromiumAlone = (round: number | string, memory = false) =>
    measure(findChromium(), [...CHROMIUM_ARGS, `--user-data-dir=${join(dir, `chromium-profile-${round}`)}`, '--no-pdf-header-footer', `--print-to-pdf=${join(dir, 'chromium.pdf')}`, `file://${join(out, 'print.html')}`], { memory });
  const pagedPlain = (memory = false) => measure(TSX, [join(ROOT, 'bench', 'paged-plain.ts'), out, join(dir, 'paged.pdf')], { cwd: ROOT, memory });
  const edit = (n: number | string) => writeFileSync(manuscript, original.slice(0, at) + `（编辑校改第 ${n} 次）` + original.slice(at));
  const check = async (what: string) => {
    const run = await measure(process.execPath, [...JUAN, 'check', '--out', out], { cwd: ROOT });
    if (run.code !== 0) fail(`juan check after the ${what}`, run);
  };
  const report = () => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  // a paragraph in a middle paper (content: the first prose line from there, never a table row or formula)
  let at = original.indexOf('\n', Math.floor(original.length * 0.6)) + 1;
  if (variant === 'content') while (!/^\p{Script=Han}/u.test(original.slice(at, at + 1)) || /^(表|注|图)\d|^注：/.test(original.slice(at, at + 3))) at = original.indexOf('\n', at) + 1;
  // A paragraph of `len` characters at the end of the second paper. `mark` is one CJK numeral:
  // texts of equal length break into the same lines, so the calibrated length holds for every round.
  const lines = original.split('\n');
  const tocLine = lines.findIndex((l) => l.startsWith('# 目'));
  const headings = lines.flatMap((l, i) => (i > tocLine && l.startsWith('# ') ? [i] : []));
  const addToPaper2 = (len: number, mark: string) => {
    const filler = `编辑在第${mark}轮校对时补充的文字，用来让这篇论文多出一页。`;
    const text = filler.repeat(Math.ceil(len / filler.length)).slice(0, len);
    return [...lines.slice(0, headings[2]), '', text, '', ...lines.slice(headings[2])].join('\n');
  };
  const paper2Pages = () => {
    const papers = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8')).filter((e: { kind: string }) => e.kind === 'paper');
    return papers[2].pdfPage - papers[1].pdfPage;
  };
  let paper2Base = 0;
  let addLength = 0;
  const primedCache = join(dir, 'cache-primed');

  const runs: Record<Step, Measured[]> = Object.fromEntries(STEPS.map((s) => [s, []])) as never;
  let pages = 0;
  for (let round = 1; round <= repeat; round++) {
    process.stderr.write(`[${name}] round ${round}/${repeat}: cold build…\n`);
    writeFileSync(manuscript, original);
    const cold = await build(['--no-cache']);
    if (cold.code !== 0) fail('cold build', cold);
    await check('cold build');
    const coldReport = report();
    pages = coldReport.pages;
    paper2Base = paper2Pages();

    process.stderr.write(`[${name}] round ${round}/${repeat}: Chromium alone, plain Paged.js…\n`);
    const chromium = await chromiumAlone(round);
    if (chromium.code !== 0) fail('chromium --print-to-pdf', chromium);
    const paged = await pagedPlain();
    if (paged.code !== 0) fail('plain Paged.js', paged);

    process.stderr.write(`[${name}] round ${round}/${repeat}: warm build (cache primed, then one paragraph edited)…\n`);
    if (round === 1) {
      const primed = await build(['--cache', cache]);
      if (primed.code !== 0) fail('priming build', primed);
      cpSync(cache, primedCache, { recursive: true });
      // The length that adds exactly one page to paper 2, in steps of a third of a page, on a copy of the primed cache.
      process.stderr.write(`[${name}] finding a paragraph that adds one page to paper 2…\n`);
      const calibration = join(dir, 'cache-calibration');
      rmSync(calibration, { recursive: true, force: true });
      cpSync(primedCache, calibration, { recursive: true });
      const step = Math.ceil(lines.slice(headings[1], headings[2]).join('').length / paper2Base / 3);
      for (let len = step; !addLength; len += step) {
        writeFileSync(manuscript, addToPaper2(len, '零'));
        const run = await build(['--cache', calibration]);
        if (run.code !== 0) fail('calibration build', run);
        const n = paper2Pages();
        if (n === paper2Base + 1) addLength = len;
        else if (n > paper2Base + 1) fail(`calibration (paper 2 went from ${paper2Base} to ${n} pages)`, run);
      }
    }
    edit(round);
    const warm = await build(['--cache', cache]);
    if (warm.code !== 0) fail('warm build', warm);
    await check('warm build');
    const warmReport = report();

    process.stderr.write(`[${name}] round ${round}/${repeat}: a page added to paper 2 (primed cache)…\n`);
    const roundCache = join(dir, 'cache-add-page');
    rmSync(roundCache, { recursive: true, force: true });
    cpSync(primedCache, roundCache, { recursive: true });
    writeFileSync(manuscript, addToPaper2(addLength, '一二三四五六七八九十'[(round - 1) % 10]!));
    const added = await build(['--cache', roundCache]);
    if (added.code !== 0) fail('build after adding a page', added);
    await check('build after adding a page');
    const addedReport = report();
    if (paper2Pages() !== paper2Base + 1) fail(`adding a page (paper 2 has ${paper2Pages()} pages, not ${paper2Base + 1})`, added);

    runs['chromium print (no polyfill)'].push(chromium);
    runs['plain Paged.js'].push(paged);
    runs['juan build cold'].push(cold);
    runs['juan build warm (1 paragraph)'].push(warm);
    runs['edit that adds a page to paper 2'].push(added);
    const timings = (r: { timings: Record<string, number> }) => Object.entries(r.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`).join(', ');
    stages.push(`${name} round ${round}: cold ${cold.seconds.toFixed(1)} s (${timings(coldReport)}); warm ${warm.seconds.toFixed(1)} s (${timings(warmReport)}; papers laid out: ${warmReport.cache?.papersLaidOut?.length ?? '?'}); page added to paper 2 (${addLength} characters) ${added.seconds.toFixed(1)} s (${timings(addedReport)}; cache.papersLaidOut = ${addedReport.cache?.papersLaidOut?.length ?? '?'}); chromium ${chromium.seconds.toFixed(1)} s`);
  }

  // Peak memory: one more run of each step, sampled (sampling slows a run: times come from the rounds above).
  process.stderr.write(`[${name}] memory: each step once more, sampled…\n`);
  writeFileSync(manuscript, original);
  const peaks: Record<Step, number> = {
    'juan build cold': (await build(['--no-cache'], true)).peakBytes,
    'chromium print (no polyfill)': (await chromiumAlone('memory', true)).peakBytes,
    'plain Paged.js': (await pagedPlain(true)).peakBytes,
    'juan build warm (1 paragraph)': 0,
    'edit that adds a page to paper 2': NaN, // not sampled
  };
  edit('memory');
  peaks['juan build warm (1 paragraph)'] = (await build(['--cache', cache], true)).peakBytes;

  const base = runs['chromium print (no polyfill)'];
  for (const step of STEPS) {
    const ms = runs[step];
    const ratios = ms.map((m, r) => m.seconds / base[r]!.seconds);
    const range = ratios.length > 1 ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : '';
    rows.push([name, String(pages), step, median(ms.map((m) => m.seconds)).toFixed(1), `${median(ratios).toFixed(2)}${range}`, Number.isNaN(peaks[step]) ? '—' : mb(peaks[step])]);
  }
  if (variant !== 'plain') {
    printTable();
    continue;
  }
  // The editor's loop (once per volume, after the rounds): first view vs the cold build, save → page shown.
  process.stderr.write(`[${name}] juan preview: first view, then 3 one-paragraph edits…\n`);
  const preview = await measurePreview({ dir, original, at, edits: 3 });
  const chromiumMedian = median(base.map((m) => m.seconds));
  rows.push([name, String(preview.pages), 'juan preview first view (cold)', preview.firstView.toFixed(1), (preview.firstView / chromiumMedian).toFixed(2), '—']);
  rows.push([name, String(preview.pages), 'juan preview save → page shown (median of 3)', median(preview.edits).toFixed(2), (median(preview.edits) / chromiumMedian).toFixed(2), '—']);
  stages.push(`${name} preview: first view ${preview.firstView.toFixed(1)} s; save → page shown ${preview.edits.map((e) => e.toFixed(2)).join(', ')} s`);
  printTable();
}
process.stdout.write(stages.map((s) => `- ${s}`).join('\n') + '\n');
