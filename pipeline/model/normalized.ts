/**
 * What the normalization rules find about a manuscript's structure, as the model reads it.
 * The rules publish these through vfile's `DataMap` (typed `file.data`), so buildVolume reads
 * typed data and never reaches into a rule's internals; the rules import these types from here.
 */
import type { Heading, RootContent, Yaml } from 'mdast';

interface Point { line: number; column: number; offset?: number }
/** A place in the original manuscript (a point or a range), as the rules report it. */
export type Place = Point | { start: Point; end: Point };

export interface TocPart { label: string; title: string; position: Place; chapters: TocChapter[] }
export interface TocChapter { label: string; title: string; position: Place }

/** One paper line of the manuscript's own 目录. */
export interface TocItem {
  /** 1-based position in the 目录. */
  index: number;
  /** The full title line (title——subtitle). */
  title: string;
  mainTitle: string;
  subtitle: string | null;
  unit: string | null;
  oldPage: string | null;
  /** Index into parts (-1: before any 篇). */
  part: number;
  /** Index into the part's chapters (-1: no 章). */
  chapter: number;
  /** Link destination when the 目录 line is a link (`docs/issue-12.md`, `#一背景`). */
  href?: string | null;
  position: Place;
}

/** How the 目录 was written. */
export type TocForm = 'lines' | 'headings' | 'list' | 'table' | 'unreadable';

export interface TocData { position: Place; parts: TocPart[]; entries: TocItem[]; form?: TocForm }

/** A paper (unit) found in the body. */
export interface PaperHead {
  node: Heading;
  title: string;
  subtitle: string | null;
  unit: string | null;
  subtitleNode?: RootContent;
  unitNode?: RootContent;
}

/** How the manuscript is organised (paper-header decides it). */
export type Structure =
  /** papers under 篇/章 or a flat list of papers, each a heading at one depth */
  | 'papers'
  /** one long document: its title is the book's, its top-level sections are the units */
  | 'document';

export interface ReconcileData {
  match: number[];
  kind: Array<'exact' | 'subtitle' | 'near' | 'contains' | 'none'>;
  missing: number[];
}

/** One YAML front-matter block of the manuscript (concatenated files each bring theirs). */
export interface FrontMatterBlock {
  /** The parsed mapping. */
  data: Record<string, unknown>;
  /** 0 = the block at the very start of the manuscript, if there is one there. */
  index: number;
  /** True for the block that starts the manuscript. */
  atStart: boolean;
  node: Yaml;
  position: { line: number; column: number };
}

declare module 'vfile' {
  interface DataMap {
    /** toc-entries: the manuscript's own 目录. */
    toc: TocData;
    /** paper-header: the papers (units) in body order. */
    papers: PaperHead[];
    /** paper-header: how the manuscript is organised. */
    structure: Structure;
    /** reconcile-toc: 目录 entry of each paper. */
    reconcile: ReconcileData;
    /** read-manuscript: every YAML front-matter block, in order. */
    frontMatter: FrontMatterBlock[];
  }
}
