/**
 * The GitHub-flavoured Markdown a paper needs: tables and footnotes (`[^1]`), read and written.
 * Not remark-gfm as a whole: its autolink literals would turn a bare `http://…` in the text into
 * a link (and rewrite it as `<http://…>`), its strikethrough would read `~` — neither is in
 * an OCR'd manuscript on purpose.
 */
import type { Processor } from 'unified';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmFootnote } from 'micromark-extension-gfm-footnote';
import { gfmTableFromMarkdown, gfmTableToMarkdown } from 'mdast-util-gfm-table';
import { gfmFootnoteFromMarkdown, gfmFootnoteToMarkdown } from 'mdast-util-gfm-footnote';

export default function remarkJuanGfm(this: Processor): void {
  const data = this.data() as Record<string, unknown[] | undefined>;
  (data.micromarkExtensions ??= []).push(gfmTable(), gfmFootnote());
  (data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown(), gfmFootnoteFromMarkdown());
  (data.toMarkdownExtensions ??= []).push(gfmTableToMarkdown(), gfmFootnoteToMarkdown());
}
