/**
 * The editor's loop, measured as the editor lives it: `juan preview` on a volume, its page open
 * in a real browser (puppeteer-core, the project's Chromium flags), then one paragraph edited
 * and saved, several times. Two numbers:
 *   first view        from starting `juan preview` (cold cache; the viewing browser already open,
 *                     as the editor's is) to page 1 drawn in it
 *   save → page shown from writing the manuscript to the edited text drawn on its page
 * `npm run bench` runs it per volume (bench/run.ts); alone: `npx tsx bench/preview.ts [--scale 1] [--edits 3]`.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../pipeline/render/print/browser.ts';
import { makeVolume } from './make-volume.ts';

const ROOT = join(import.meta.dirname, '..');
const TICKS = 100; // USER_HZ: /proc times are in 1/100 s on Linux

/**
 * CPU seconds used by a process tree so far (Linux /proc): user + system of each process and
 * of its children that ended (cutime, cstime) — Chromium's closed tabs count too. The machine
 * is shared, so this is the number that load disturbs least.
 */
function treeCpu(root: number, alone = false): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch { /* ended */ }
  }
  let ticks = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    if (alone) break;
    for (const [child, s] of stats) if (s.ppid === pid) stack.push(child);
  }
  return ticks / TICKS;
}

export interface PreviewTimes {
  /** Seconds from starting `juan preview` to the first page drawn. */
  firstView: number;
  /** CPU seconds from starting `juan preview` to the first page drawn: its process tree (Node, its Chromium), its Node alone, and the viewing browser's (launched before). */
  firstViewCpu: { preview: number; node: number; viewer: number };
  /** Seconds from each save to its text drawn on the page. */
  edits: number[];
  /** CPU seconds from each save to its text drawn: `juan preview`'s process tree (Node, its Chromium) and the viewing browser's; `node`: the preview's Node process alone; `round`: both trees, from the save until the preview has settled. */
  editCpu: Array<{ preview: number; node: number; viewer: number; round: number }>;
  pages: number;
}

/**
 * Run `juan preview` on `dir`/论文集.md (its text is `original`) with an empty cache in `dir`,
 * load its page, make `edits` one-paragraph edits at character offset `at`.
 */
export async function measurePreview(options: { dir: string; original: string; at: number; edits: number; verbose?: boolean }): Promise<PreviewTimes> {
  const { dir, original, at } = options;
  const manuscript = join(dir, '论文集.md');
  const cache = join(dir, 'preview-cache');
  rmSync(cache, { recursive: true, force: true });
  writeFileSync(manuscript, original);
  // The editor's browser is open before the preview starts: the viewer is launched (and its
  // tab opened) first, so that the first view does not count a Chromium start of the bench's own.
  const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, pipe: true, args: CHROMIUM_ARGS.filter((a) => a !== '--headless') });
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const viewerPid = browser.process()!.pid!;
  const viewerCpu0 = treeCpu(viewerPid);
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'juan.js'), 'preview', '--manuscript', manuscript, '--out', join(dir, 'preview-dist'), '--cache', cache, '--port', '0', '--quiet'], { cwd: ROOT });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (options.verbose) process.stderr.write(d);
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /预览：(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`juan preview exited (${code}): ${stderr}`)));
    });
    await page.goto(url);
    const shown = (version: number, text: string | null) =>
      page.waitForFunction(
        (v, t) =>
          document.body.dataset.version === String(v) &&
          (t === null
            ? Boolean(document.querySelector('.page[data-page="1"] canvas'))
            : Array.from(document.querySelectorAll(`.page[data-version="${v}"] .textLayer`)).some((l) => l.textContent!.replace(/\s+/g, '').includes(t))),
        { timeout: 600_000, polling: 'mutation' },
        version,
        text,
      );
    await shown(1, null);
    const firstView = (performance.now() - started) / 1000;
    const firstViewCpu = { preview: treeCpu(child.pid!), node: treeCpu(child.pid!, true), viewer: treeCpu(viewerPid) - viewerCpu0 };
    const pages = await page.$$eval('.page', (els) => els.length);
    const edits: number[] = [];
    const editCpu: PreviewTimes['editCpu'] = [];
    // An editor reads the page before the next save: each edit starts when the preview has
    // settled — the build before it has also written its other files (they follow the pages; a
    // save meanwhile waits for them) and opened the layout tab for the next build. The CPU of
    // the whole round (save → settled) is measured too, so that work is not hidden.
    const idle = () => page.waitForFunction(() => document.body.dataset.idle === 'true', { timeout: 600_000, polling: 100 });
    for (let n = 1; n <= options.edits; n++) {
      await idle();
      const marker = `编辑校改第${n}次`;
      const t0 = performance.now();
      const cpu0 = { preview: treeCpu(child.pid!), node: treeCpu(child.pid!, true), viewer: treeCpu(viewerPid) };
      writeFileSync(manuscript, original.slice(0, at) + `（${marker}）` + original.slice(at));
      await shown(n + 1, marker);
      edits.push((performance.now() - t0) / 1000);
      editCpu.push({ preview: treeCpu(child.pid!) - cpu0.preview, node: treeCpu(child.pid!, true) - cpu0.node, viewer: treeCpu(viewerPid) - cpu0.viewer, round: 0 });
      await idle();
      editCpu.at(-1)!.round = treeCpu(child.pid!) - cpu0.preview + treeCpu(viewerPid) - cpu0.viewer;
      if (options.verbose) process.stderr.write(`edit ${n}: ${((performance.now() - t0) / 1000).toFixed(2)} s; page: ${await page.evaluate(() => JSON.stringify((window as unknown as { juanTimings?: unknown[] }).juanTimings?.at(-1)))}\n`);
    }
    return { firstView, firstViewCpu, edits, editCpu, pages };
  } finally {
    await browser.close();
    child.kill('SIGINT');
    await new Promise((resolve) => (child.exitCode === null ? child.on('exit', resolve) : resolve(null)));
  }
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, edits: { type: 'string', default: '3' }, verbose: { type: 'boolean', default: false } } });
  const scale = Number(values.scale);
  const dir = join(ROOT, 'bench', '.out', `preview-x${scale}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const original = makeVolume({ scale });
  copyFileSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
  const at = original.indexOf('\n', Math.floor(original.length * 0.6)) + 1; // a paragraph in a middle paper, as bench/run.ts edits
  const times = await measurePreview({ dir, original, at, edits: Number(values.edits), verbose: values.verbose });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  process.stdout.write(
    `volume x${scale}, ${times.pages} pages: first view ${times.firstView.toFixed(1)} s (CPU: preview ${times.firstViewCpu.preview.toFixed(1)} s, its Node alone ${times.firstViewCpu.node.toFixed(1)} s, viewer ${times.firstViewCpu.viewer.toFixed(1)} s); save → page shown ${times.edits.map((s) => s.toFixed(2)).join(', ')} s (median ${median(times.edits).toFixed(2)} s); ` +
      `CPU save → shown: preview ${times.editCpu.map((c) => c.preview.toFixed(2)).join(', ')} s (its Node alone ${times.editCpu.map((c) => c.node.toFixed(2)).join(', ')} s), viewer ${times.editCpu.map((c) => c.viewer.toFixed(2)).join(', ')} s; ` +
      `CPU save → settled (both): ${times.editCpu.map((c) => c.round.toFixed(2)).join(', ')} s\n`,
  );
}
