/**
 * The writers, in one explicit map (pandoc style): each is a plain function of the volume
 * model, the page map (null when nothing was laid out: `juan normalize`) and the build cache,
 * returning the files it produces. Adding an output means adding one module and one entry
 * here. Writers never re-parse Markdown. The print files come from the layout phase
 * (print/engine.ts), which yields the page map these writers read.
 */
import type { PageMap, Volume } from '../model/types.ts';
import type { OutputFile } from '../output/atomic.ts';
import type { BuildCache } from '../cache/store.ts';
import { volumeToMarkdown } from './markdown.ts';
import { volumeToToc } from './toc-json.ts';
import { renderEpubInThread, warmEpubThread } from './epub/in-thread.ts';

export interface WriterInput {
  volume: Volume;
  pageMap: PageMap | null;
  /** Build cache (--cache DIR): the EPUB's cover and font subsets; none with --no-cache. */
  cache?: BuildCache;
}

export interface Writer {
  /** Stage name for progress and timings. */
  stage: string;
  write(input: WriterInput): Promise<OutputFile[]>;
  /** Called as the build starts, when this writer will run: start what it needs ahead (its thread). */
  warm?(): void;
}

export const writers = {
  markdown: {
    stage: 'markdown',
    async write({ volume, pageMap }) {
      return [{ path: 'manuscript.normalized.md', data: volumeToMarkdown(volume, pageMap ?? undefined) }];
    },
  },
  toc: {
    stage: 'toc',
    async write({ volume, pageMap }) {
      return [{ path: 'toc.json', data: JSON.stringify(volumeToToc(volume, pageMap ?? undefined), null, 2) + '\n' }];
    },
  },
  report: {
    stage: 'report',
    async write({ volume, pageMap, cache }) {
      const { reportHtmlWithFonts } = await import('./report/report-html.ts');
      return [{ path: 'report.html', data: await reportHtmlWithFonts(volume, pageMap, cache) }];
    },
  },
  epub: {
    stage: 'epub',
    // in a thread of its own (epub/in-thread.ts): made while the main thread merges the PDFs
    async write({ volume, pageMap, cache }) {
      return [{ path: 'book.epub', data: await renderEpubInThread(volume, pageMap, { cache }) }];
    },
    warm: warmEpubThread,
  },
} satisfies Record<string, Writer>;

export type WriterName = keyof typeof writers;
