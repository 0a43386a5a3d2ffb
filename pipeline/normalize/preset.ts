/**
 * The ordered list of normalization rules. Order matters: text hygiene first, then the structure
 * (目录, paper headers), then the rules that need to know where the papers are. Paragraphs cut at old
 * page breaks are joined before the run-in heads are read: a page break can fall inside a `**…**` head.
 */
import type { Rule } from './define-rule.ts';
import encodingHygiene from './rules/encoding-hygiene.ts';
import rawHtml from './rules/raw-html.ts';
import imageSource from './rules/image-source.ts';
import webPageChrome from './rules/web-page-chrome.ts';
import pageFurniture from './rules/page-furniture.ts';
import roleMarkup from './rules/role-markup.ts';
import letterSpacedTitle from './rules/letter-spaced-title.ts';
import tocEntries from './rules/toc-entries.ts';
import paperHeader from './rules/paper-header.ts';
import runInHeadStyle from './rules/run-in-head-style.ts';
import numberedRunInHead from './rules/numbered-run-in-head.ts';
import fullwidthPunctuation from './rules/fullwidth-punctuation.ts';
import reconcileToc from './rules/reconcile-toc.ts';
import headingLevelFromNumbering from './rules/heading-level-from-numbering.ts';
import joinPageBreakParagraphs from './rules/join-page-break-paragraphs.ts';
import numberedLineHeading from './rules/numbered-line-heading.ts';

export const preset: Rule[] = [
  encodingHygiene,
  // pasted HTML and images that may not load go before anything reads the text around them
  rawHtml,
  imageSource,
  // a saved web page's navigation before the text: before its links are read as a 目录 or its headings as papers
  webPageChrome,
  pageFurniture,
  // another toolchain's role markup before any rule reads paragraphs (a `:label:` line is not a paragraph to join)
  roleMarkup,
  letterSpacedTitle,
  tocEntries,
  // a section title that lost its `#`: a heading before the papers and their units are read (paper-header),
  // and before any rule could join it to its body or read it as a run-in head
  numberedLineHeading,
  paperHeader,
  joinPageBreakParagraphs,
  runInHeadStyle,
  numberedRunInHead,
  fullwidthPunctuation,
  reconcileToc,
  headingLevelFromNumbering,
];

export const ruleIds = preset.map((r) => r.id);
