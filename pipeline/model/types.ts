/**
 * The volume model: the one document every writer reads (like pandoc's AST).
 * Readers (pipeline/model/build-volume.ts) produce it from the normalized mdast;
 * writers (print HTML, EPUB, normalized Markdown, toc.json) only read it.
 */
import type { RootContent } from 'mdast';
import type { BookConfig } from '../config/schema.ts';

/** A place in the ORIGINAL manuscript (1-based), so an editor can jump there. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface Volume {
  /** Metadata and settings: book.yaml, with what the manuscript gives as defaults. */
  meta: BookConfig;
  /** Path of the manuscript the model was read from. */
  source: string;
  /** 篇, in book order. Only parts that contain at least one delivered paper. */
  parts: Part[];
  /** Papers the 目录 lists but whose body was not delivered (reported, not printed). */
  missing: MissingPaper[];
  /**
   * Text before the first paper that the title page does not take (a 序, 前言, 卷首语, an editor's
   * note), in manuscript order. Printed after the 扉页 and before the 目录, as a Chinese book puts its
   * 序; in the EPUB before the 目录 too. Absent or empty: there is none.
   */
  front?: FrontSection[];
}

/** One block of front text: a heading (its title, if any) and what follows it up to the next heading, the 目录 or the first paper. */
export interface FrontSection {
  /** Stable ASCII id: `front-1`, …; shared by the print anchor, the EPUB file name and block ids. */
  id: string;
  /** The heading it starts with (`前言`, `卷首语`), or null for paragraphs without one. */
  title: string | null;
  /** Body as normalized mdast nodes (headings inside it keep depth 1 = first level below the title). */
  body: RootContent[];
  position: SourcePosition;
}

export interface Part {
  /** Stable ASCII id, e.g. `part-1`. */
  id: string;
  /** Ordinal label as printed: `第一篇`. */
  label: string;
  /** Name: `围涂篇`. */
  title: string;
  /** 章 of this part. A part whose papers have no 章 (第二篇 河网篇) has one chapter with `label`/`title` null. */
  chapters: Chapter[];
  position?: SourcePosition;
}

/** A part without 篇 line (a book of chapters only, or of papers only): it prints no page, has no nav entry of its own. */
export function isUntitledPart(part: Part): boolean {
  return !part.label && !part.title;
}

export interface Chapter {
  /** Stable ASCII id, e.g. `part-1-ch-1`. */
  id: string;
  /** `第一章`, or null for the implicit chapter of a part without 章. */
  label: string | null;
  /** `提高经济发展质量`, or null for the implicit chapter. */
  title: string | null;
  papers: Paper[];
  position?: SourcePosition;
}

export interface Paper {
  /** Stable ASCII id derived from order and title, e.g. `p03-9f2c1a`; shared by print anchors, EPUB file names, toc.json, page map. */
  id: string;
  /** 1-based position of the paper in the 目录 (all 50 entries), or in body order when there is no 目录. */
  index: number;
  /** Title as the body gives it (the body wins over the 目录). */
  title: string;
  /** Subtitle without the leading dash: `我市科技创新的成效、经验与思考`. */
  subtitle: string | null;
  /** 作者单位 (byline unit): `市环创中心`. */
  unit: string | null;
  /** Title as the OCR'd 目录 gave it, when it differed from the body. */
  tocTitle: string | null;
  /** Page number of the old edition, as the OCR'd 目录 printed it (informative only). */
  oldPage: string | null;
  /**
   * Body as normalized mdast nodes, positions pointing into the original manuscript.
   * Section headings are `heading` nodes whose depth is RELATIVE to the paper:
   * 1 = 一、  2 = （一）  3 = 1. / 1、  4 = （1）. Run-in bold heads stay paragraphs
   * starting with `strong`.
   */
  body: RootContent[];
  /** True when the body looks cut off (the delivered manuscript ends inside it). */
  truncated: boolean;
  position: SourcePosition;
}

export interface MissingPaper {
  index: number;
  title: string;
  unit: string | null;
  part: string | null;
  chapter: string | null;
  oldPage: string | null;
  position: SourcePosition;
}

/** Where an element landed in the PDF: physical page (1-based) and the folio printed on it. */
export interface PageLocation {
  page: number;
  folio: string;
}

/** The print build's page map: the truth the 目录, toc.json, EPUB page-list and `juan check` compare against. */
export interface PageMap {
  /** Physical page count of the PDF. */
  pageCount: number;
  /** For every physical page: its folio label (`i`, `ii`, `1` …) and whether the folio is printed on it. */
  pages: Array<{ page: number; folio: string; printed: boolean; section: 'front' | 'body'; blank: boolean }>;
  /** id (part, chapter or paper) → where it starts. */
  targets: Record<string, PageLocation>;
  /**
   * Where each body page begins in the text: the id of the block element (paragraph/heading)
   * that the page starts in and the character offset of the page start within that block's text.
   * The EPUB writer inserts its page-break markers there.
   */
  pageStarts: Array<{ page: number; folio: string; blockId: string; offset: number }>;
}

/** One line of toc.json. */
export interface TocEntry {
  kind: 'part' | 'chapter' | 'paper';
  id: string;
  part: string;
  chapter: string | null;
  title: string;
  subtitle?: string | null;
  unit?: string | null;
  /** Printed folio once the print build has run, else null. */
  page: string | null;
  /** Physical page in book.pdf once known. */
  pdfPage?: number | null;
}
