/**
 * `juan preview`: the editor's loop. Builds the book, serves its pages on loopback, watches the
 * manuscript, book.yaml, styles and images, and on every save rebuilds — in this process, with
 * one Chromium kept open between builds and the layout cache, so only the edited paper is laid
 * out again — then tells the open page (Server-Sent Events) which page changed. A failed build
 * is reported and the last good pages stay on show. Never prints: the CLI turns the callbacks
 * into lines; `close()` stops the watchers, the server and Chromium.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, watch, type Dirent, type FSWatcher } from 'node:fs';
import { PDFArray, PDFDict, PDFDocument, PDFFlateStream, PDFName, PDFRawStream } from 'pdf-lib';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { BuildCacheReport, BuildCallbacks, BuildResult } from '../commands/build.ts';
import { resolveInputs, type CommonOptions } from '../commands/inputs.ts';
import { BrowserSession, findChromium, type LaunchingBrowser } from '../render/print/browser.ts';
import { projectPath } from '../paths.ts';
import { PreviewServer, type PreviewState } from './server.ts';
import { startPrintPrelude, type PrintPrelude } from '../render/print/prelude.ts';
import { KeptPdfs } from '../render/print/kept-pdfs.ts';
import { volumeToToc } from '../render/toc-json.ts';
import type { BookConfig } from '../config/schema.ts';
import { debugTiming } from '../report/debug-timing.ts';
import { pagesPdf, pageTextKey } from './page-pdf.ts';

export interface PreviewOptions extends CommonOptions {
  /** Layout cache folder; default `.cache/juan` under the project (as for `juan build`). */
  cacheDir?: string;
  /** Port on 127.0.0.1; default 4170, or one the system picks when that is taken. 0: the system picks. */
  port?: number;
  /** Wait this long after the last change before rebuilding (an editor's save is often several writes). */
  debounceMs?: number;
}

export interface PreviewBuild {
  version: number;
  seconds: number;
  pageCount: number;
  /** First physical page whose layout changed; null when no page did. */
  firstChanged: number | null;
  cache: BuildCacheReport;
  removed: string[];
  warnings: string[];
}

export interface PreviewCallbacks extends BuildCallbacks {
  /** A rebuild starts; `changed`: the files whose change started it (empty for the first build). */
  onBuilding?: (changed: string[]) => void;
  onBuilt?: (build: PreviewBuild) => void;
  onFailed?: (error: unknown) => void;
}

export interface Preview {
  url: string;
  /** The first build (settled either way). */
  firstBuild: Promise<void>;
  close(): Promise<void>;
}

/** Files that change the book but not its look are ignored: the outputs, the cache, editors' swap files. */
const IGNORED = /(^|[\\/])(\.[^\\/]*\.sw[a-p]|[^\\/]*~|\.#[^\\/]*|4913|\.juan[^\\/]*|\.DS_Store)$/;

/** A preview's Chromium gets this long to come up (a launch; each build has its own limits). */
export const PREVIEW_LAUNCH_MS = 120_000;

/**
 * `launched`: a Chromium the caller started already (the CLI starts it before it loads this
 * module, as for `juan build`: ~0.1 s sooner); closed here if the preview cannot start.
 */
export async function startPreview(options: PreviewOptions, callbacks: PreviewCallbacks = {}, launched?: LaunchingBrowser): Promise<Preview> {
  const cwd = resolve(options.cwd ?? process.cwd());
  let inputs: ReturnType<typeof resolveInputs>;
  try {
    inputs = resolveInputs(options); // a missing manuscript is a usage error before anything starts
  } catch (error) {
    void launched?.session.then((s) => s.close(), () => {});
    throw error;
  }
  const cacheDir = resolve(cwd, options.cacheDir ?? join('.cache', 'juan'));

  // One Chromium for the whole session; launched again if it died (a crash fails one build).
  // The first one starts before the build's modules load and the server listens, as `juan
  // build` starts its own (it takes ~1–2 s to come up, the first view waits for it).
  let session: Promise<BrowserSession> | null = null;
  /** Whether `session` has settled: a launch still under way is handed to the build as it is (the build reads the manuscript meanwhile). */
  let settled = false;
  const track = (launching: Promise<BrowserSession>) => {
    settled = false;
    launching.then(() => (settled = true), () => (settled = true));
    return launching;
  };
  const launch = () => track(BrowserSession.launch({ timeoutMs: PREVIEW_LAUNCH_MS }));
  if (launched) {
    launched.setTimeLimit(PREVIEW_LAUNCH_MS);
    session = track(launched.session);
  } else {
    try {
      findChromium();
      session = launch();
    } catch {
      /* no browser: the first build says so */
    }
  }
  const { runBuild } = await import('../commands/build.ts');
  const browser = async (): Promise<LaunchingBrowser | false> => {
    if (session && !settled) return { session, setTimeLimit: () => {} };
    const alive = session && (await session.catch(() => null));
    if (!alive || !alive.browser.connected) {
      try {
        findChromium();
      } catch {
        return false; // the print writer says so in the build's error
      }
      session = launch();
    }
    return { session: session!, setTimeLimit: () => {} };
  };

  let server: PreviewServer;
  try {
    server = await PreviewServer.start({ port: options.port ?? 4170, fallback: options.port === undefined, out: inputs.out });
  } catch (error) {
    await session?.then((s) => s.close(), () => {}); // a port taken: no Chromium left behind
    throw error;
  }
  let version = 0;
  /** The last build shown: its PDF (read by pdf-lib) and its pages' fingerprints. */
  let last: { doc: PDFDocument; fingerprints: string[] } | null = null;
  /** Text (as glyphs) of pages by fingerprint: a page unchanged since the build before is not read again. */
  let textKeys = new Map<string, string>();
  let building = false;
  let pending: Set<string> | null = null;
  let closed = false;

  // Layout tabs for the next build, opened (shell, styles, Paged.js loaded) while the editor
  // types: a rebuild then lays its paper out at once. The build closes them with itself; a
  // changed book.yaml or stylesheet makes a different shell, and the build opens its own.
  let spare: PrintPrelude | null = null;
  // the cached papers' PDFs stay parsed between builds: a save merges the book without parsing them again
  const keptPdfs = new KeptPdfs();
  const openSpare = (meta: BookConfig) => {
    if (closed || spare || !session) return;
    spare = startPrintPrelude(meta, false, session, 1);
  };

  const build = async (changed: string[]): Promise<void> => {
    building = true;
    callbacks.onBuilding?.(changed);
    server.send('building', { changed: changed.map((f) => relative(cwd, f) || f) });
    const started = performance.now();
    let shown: PreviewState | null = null;
    let meta: BookConfig | null = null;
    let written: { report: boolean } | null = null;
    const prelude = spare;
    spare = null;
    try {
      const result: BuildResult = await runBuild(
        { ...options, cwd, cacheDir, epub: false, browser: await browser(), keepBrowser: true, prelude: prelude ?? undefined, keptPdfs, savePages: false,
          // The pages go to the open page as soon as the PDF is made; the other outputs follow.
          onPrinted: async ({ pdf, pageMap, volume, doc }) => {
            if (closed) return;
            debugTiming('preview', 'printed', started);
            const t1 = performance.now();
            // The document book.pdf was saved from: read, never changed (pagesPdf leaves it as it was).
            const t2 = performance.now();
            const fingerprints = pageFingerprintsOf(doc);
            const changedPages = last ? changedRange(last.fingerprints, fingerprints) : { first: 1, last: fingerprints.length };
            // The page the edit is on: the first page of that range whose text differs (a paper
            // laid out again differs in bytes from its first page on); a change of look alone
            // keeps the range's first page.
            const keyOf = (d: PDFDocument, fps: string[], n: number) => {
              const fp = fps[n - 1]!;
              let key = textKeys.get(fp);
              if (key === undefined) textKeys.set(fp, (key = pageTextKey(d.getPage(n - 1))));
              return key;
            };
            let changed = changedPages?.first ?? null;
            if (last && changedPages) {
              const before = last;
              const to = Math.min(changedPages.last, changedPages.first + 60, before.fingerprints.length);
              for (let n = changedPages.first; n <= to; n++) {
                if (keyOf(before.doc, before.fingerprints, n) !== keyOf(doc, fingerprints, n)) {
                  changed = n;
                  break;
                }
              }
            }
            debugTiming('preview', 'changed page', t2);
            const t3 = performance.now();
            textKeys = new Map(fingerprints.flatMap((fp) => (textKeys.has(fp) ? [[fp, textKeys.get(fp)!] as const] : [])));
            // The pages the open page will draw first — the changed page and its neighbours in
            // view (the first pages for the first build) that are not already on show — as a
            // small PDF of their own; the page takes the rest from book.pdf as it scrolls.
            const around = last ? (changed ? [changed - 1, changed, changed + 1] : []) : [1, 2, 3];
            const shownPages = around.filter((n) => n >= 1 && n <= fingerprints.length && last?.fingerprints[n - 1] !== fingerprints[n - 1]);
            const pages = shownPages.length ? await pagesPdf(doc, shownPages.map((n) => n - 1)) : null;
            debugTiming('preview', `pages ${shownPages.join(',') || '-'} (${pages?.length ?? 0} bytes)`, t3);
            last = { doc, fingerprints };
            meta = volume.meta;
            shown = {
              version: ++version,
              pageCount: pageMap.pageCount,
              firstChanged: changedPages?.first ?? null,
              lastChanged: changedPages?.last ?? null,
              changed,
              pages: shownPages,
              fingerprints: fingerprints.map((f) => f.slice(0, 16)),
              folios: pageMap.pages.map((p) => p.folio),
              toc: volumeToToc(volume, pageMap),
              title: volume.meta.title,
              report: existsSync(join(inputs.out, 'report.html')),
              seconds: (performance.now() - started) / 1000,
            };
            server.publish(shown, Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), pages && Buffer.from(pages.buffer, pages.byteOffset, pages.byteLength));
            debugTiming('preview', 'published', t1);
            // The other files are written once the open page has drawn the change (it says so).
            const t4 = performance.now();
            await server.shown(shown.version, 3000);
            debugTiming('preview', 'shown', t4);
          } },
        { onStage: callbacks.onStage, onPage: callbacks.onPage, onPaper: callbacks.onPaper, onWarning: callbacks.onWarning },
      );
      if (closed) return;
      debugTiming('preview', 'runBuild', started);
      const state = shown as PreviewState | null;
      if (!state) throw new Error('preview: the build made no PDF'); // onPrinted runs in every build that lays out
      written = { report: existsSync(join(inputs.out, 'report.html')) };
      callbacks.onBuilt?.({
        version: state.version, seconds: state.seconds, pageCount: state.pageCount, firstChanged: state.firstChanged,
        cache: result.report.cache, removed: result.removed, warnings: result.report.warnings ?? [],
      });
    } catch (error) {
      if (closed) return;
      server.fail(error);
      callbacks.onFailed?.(error);
    } finally {
      building = false;
      await prelude?.close(); // a build that failed before layout never took its tabs
    }
    if (pending && !closed) {
      const next = [...pending];
      pending = null;
      await build(next);
    } else {
      if (meta) openSpare(meta);
      // The page hears that the preview has settled (outputs written, the next build's tab
      // open) unless a save started another build meanwhile.
      const opening = spare as PrintPrelude | null; // set by openSpare (TypeScript keeps the null of above)
      if (opening) await Promise.allSettled(opening.tabs);
      if (written && !closed && !building) server.written(written);
    }
  };

  // Watch folders, not files: editors save by writing a new file and renaming it over the old one.
  const configDir = inputs.configPath ? dirname(inputs.configPath) : null;
  const watched = [...new Set([dirname(inputs.manuscript), configDir, projectPath('styles')].filter((d): d is string => Boolean(d && existsSync(d))))];
  const outside = [inputs.out, cacheDir, join(cwd, '.cache')];
  let timer: NodeJS.Timeout | undefined;
  let batch = new Set<string>();
  const onChange = (dir: string, name: string | null) => {
    if (!name || IGNORED.test(name)) return;
    const file = join(dir, name);
    if (outside.some((o) => file === o || file.startsWith(o + sep))) return;
    batch.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...batch];
      batch = new Set();
      if (building) {
        pending ??= new Set();
        for (const f of files) pending.add(f);
      } else void build(files);
    }, options.debounceMs ?? 30);
  };
  const watchers: FSWatcher[] = watchPlan(watched, outside).map(({ dir, recursive }) => watch(dir, { recursive }, (_event, name) => onChange(dir, name?.toString() ?? null)));

  const firstBuild = build([]);
  return {
    url: server.url,
    firstBuild,
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers) w.close();
      await server.close();
      await spare?.close();
      if (session) await session.then((s) => s.close(), () => {});
    },
  };
}

/**
 * The folders to watch and how. Images may sit in subfolders, so a folder is watched with its
 * subfolders — but never a folder that holds the output or the cache: Node's recursive watch
 * (on Linux, a watcher per folder kept in JavaScript) reads the whole tree again whenever a file
 * is created in it, and a build writes hundreds of files there (a cache in the manuscript's
 * folder cost the preview's Node ~1.5 s CPU per build). Such a folder is watched flat and its
 * other subfolders each the same way; the output and cache folders not at all. A folder with a
 * project in it (node_modules, package.json) is watched flat. Subfolders made later inside a
 * flat-watched folder are not seen until the preview is started again.
 */
export function watchPlan(dirs: string[], outside: string[]): Array<{ dir: string; recursive: boolean }> {
  const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + sep);
  const plan: Array<{ dir: string; recursive: boolean }> = [];
  const seen = new Set<string>();
  const add = (dir: string) => {
    if (seen.has(dir) || outside.some((o) => inside(dir, o))) return;
    seen.add(dir);
    if (existsSync(join(dir, 'node_modules')) || existsSync(join(dir, 'package.json'))) {
      plan.push({ dir, recursive: false });
      return;
    }
    if (!outside.some((o) => inside(o, dir))) {
      plan.push({ dir, recursive: true });
      return;
    }
    plan.push({ dir, recursive: false });
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch { /* gone meanwhile */ }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) add(join(dir, e.name));
  };
  for (const dir of dirs) add(resolve(dir));
  // A folder watched with its subfolders covers the folders in it.
  return plan.filter((p) => !plan.some((q) => q !== p && q.recursive && inside(p.dir, q.dir)));
}

/**
 * A fingerprint per page of a PDF: the hash of its content streams as stored. A page the build
 * took from the cache (or laid out to the same result) keeps its bytes — fonts are subset per
 * character source, so an edit elsewhere does not renumber its glyphs — so the first page whose
 * fingerprint differs is the first page that changed. (The cache's own stats cannot say this:
 * an edit undone, or made before, finds its layout in the cache.)
 */
export async function pageFingerprints(pdf: Uint8Array): Promise<string[]> {
  return pageFingerprintsOf(await PDFDocument.load(pdf, { updateMetadata: false }));
}

/**
 * pageFingerprints of a loaded PDF. The fonts the page's resource names stand for are hashed
 * too (by name, without the subset tag): the same content drawn with other faces is another page.
 */
export function pageFingerprintsOf(doc: PDFDocument): string[] {
  return doc.getPages().map((page) => {
    const hash = createHash('sha1');
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
    for (const stream of streams) {
      if (stream instanceof PDFRawStream) hash.update(stream.contents);
      else if (stream instanceof PDFFlateStream) hash.update(stream.getUnencodedContents());
      else hash.update(String(stream));
    }
    const fonts = page.node.Resources()?.lookup(PDFName.of('Font'));
    if (fonts instanceof PDFDict) {
      for (const key of fonts.keys()) {
        const base = (fonts.lookup(key) as PDFDict | undefined)?.lookup?.(PDFName.of('BaseFont'));
        hash.update(`\n${key.asString()}=${String(base ?? '').replace(/^\/[A-Z]{6}\+/, '/')}`);
      }
    }
    return hash.digest('hex');
  });
}

/** The first page (1-based) that differs between two builds' fingerprints; null when none does. */
export function firstChangedPage(before: string[], after: string[]): number | null {
  for (let i = 0; i < Math.max(before.length, after.length); i++) if (before[i] !== after[i]) return i + 1;
  return null;
}

/**
 * The first and last page (1-based, of the new build) that differ from the build before;
 * null when none does. A page count that changed counts everything from the first difference
 * to the end (pages after it moved); pages only taken off the end give the new last page.
 */
export function changedRange(before: string[], after: string[]): { first: number; last: number } | null {
  const first = firstChangedPage(before, after);
  if (first === null) return null;
  // pages only taken off the end: the new last page is where the book changed
  if (first > after.length) return after.length ? { first: after.length, last: after.length } : null;
  if (before.length !== after.length) return { first, last: after.length };
  let last = after.length;
  while (last > first && before[last - 1] === after[last - 1]) last--;
  return { first, last };
}
