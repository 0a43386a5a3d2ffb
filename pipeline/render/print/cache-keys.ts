/**
 * Every cache key of the print layout, in one place (pipeline/cache/store.ts holds the entries):
 *
 *   layout  a chunk's own layout        ← engine, chunk kind, styles, chunk HTML
 *   place   where a chunk's bare pages are ← its layout key alone: a body page is printed without
 *           folio and running head (they are stamped at the merge), so its PDF page does not depend
 *           on where the chunk starts
 *           the front matter's pages    ← its layout key + the 目录 labels printed in it
 *           the body pages' furniture   ← furnitureKey: engine and styles + every page's side, folio, head
 *   links   the 目录's link boxes       ← the front matter's place key
 *   pdf     a tab's printed PDF         ← the layout keys, 目录 key, page count and furniture key it holds
 *   pages   a chunk's pages as laid out ← its layout key (HTML before stamping: printed again without a
 *           layout when its cached PDF is gone)
 *   pagestyles  the styles Paged.js generated, which those pages need ← their hash
 *   flate   a face's compressed program or ToUnicode map in the merged PDF (pdf/fonts.ts) ← the
 *           uncompressed bytes and zlib's version
 *
 * The engine key covers everything outside a chunk's document that decides its layout and PDF
 * bytes; bump ENGINE_VERSION when the layout code changes in a way the hashed sources do not show.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { hashKey } from '../../cache/store.ts';
import type { Volume } from '../../model/types.ts';
import { fontsourceVersion } from '../fonts/fontsource.ts';
import { findChromium } from './browser.ts';
import { printFaces } from './fonts.ts';

const require = createRequire(import.meta.url);

export const ENGINE_VERSION = 'juan-print-chunked-12';

/**
 * An installed package's version, from the package.json above its entry point (pagedjs's
 * `exports` hide `pagedjs/package.json` from require.resolve).
 */
export function packageVersion(name: string): string {
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === name) return String(pkg.version);
    } catch {
      /* no package.json here */
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json of ${name} not found`);
    dir = up;
  }
}

/** Everything outside the chunk documents that decides their layout and PDF bytes. */
export function engineKey(volume: Volume, options: { printReady: boolean; handlers: string[]; stockPaged?: boolean }): string {
  // The browser that lays the book out is part of the engine (a missing one is an error here,
  // as it would be at launch: a cached build never silently mixes two browsers' layouts).
  const executable = findChromium();
  const st = statSync(executable);
  const chromium = `${executable}:${st.size}:${st.mtimeMs}`;
  return hashKey(
    ENGINE_VERSION,
    ...options.handlers.map((file) => readFileSync(file)),
    packageVersion('pagedjs'),
    packageVersion('puppeteer-core'),
    packageVersion('katex'), // formulas, and the operators a print face lacks (print/fonts.ts)
    chromium,
    String(options.printReady),
    ...(options.stockPaged ? ['stock-paged'] : []),
    // Which file each character's glyph comes from depends only on the character and the font
    // packages (fonts/fontsource.ts), so the packages and a chunk's own text decide its glyphs.
    ...printFaces(volume.meta.fonts).map((f) => `${f.pkg}@${fontsourceVersion(f.pkg)}:${f.family}:${f.weight}`),
  );
}

/** A chunk's layout. */
export function layoutKey(engine: string, kind: string, styles: { page: string; shared: string; print: string }, chunkCss: string, html: string): string {
  return hashKey(engine, kind, styles.page, styles.shared, styles.print, chunkCss, html);
}

/** Where a body chunk's pages are, printed bare (no folio, no running head): wherever it starts. */
export function placeKey(layout: string): string {
  return hashKey(layout, 'bare-pages');
}

/**
 * The body pages' furniture (folio, running head, crop marks), printed as pages of their own and
 * stamped on the bare pages at the merge: `base` covers the engine and styles (layoutKey of no
 * content), `pages` each page's side, folio and head (folios.ts bodyFurniture).
 */
export function furnitureKey(base: string, pages: unknown[]): string {
  return hashKey(base, 'furniture', JSON.stringify(pages));
}

/** Where the front matter's pages are (and its 目录 links) for these 目录 labels. */
export function frontKey(layout: string, tocLabels: Record<string, string>): string {
  return hashKey(layout, 'toc', JSON.stringify(tocLabels));
}

/** A tab's PDF: its body chunks (layout keys), the front matter's key if it holds it, the furniture's if it holds it, its page count. */
export function pdfName(layouts: string[], front: string | null, pages: number, furniture: string | null): string {
  return hashKey(...layouts, front ?? '', 'pdf', String(pages), furniture ?? '');
}

/**
 * The styles Paged.js generated for a tab's pages. Paged.js names each run's forced-break rules by a
 * random id: styles equal but for those ids style pages alike, so they share one entry.
 */
export function pageStylesKey(styles: string[]): string {
  return hashKey('pagestyles', ...styles.map((s) => s.replace(/following-[0-9a-f-]{36}/g, 'following-*')));
}

/** Key of `data` compressed (pdf/fonts.ts flateStream): a cached stream has the bytes zlib would give now. */
export function flateKey(data: Uint8Array): string {
  return hashKey('flate', process.versions.zlib, data);
}
