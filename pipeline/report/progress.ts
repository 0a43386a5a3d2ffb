/**
 * Progress display: on a TTY one line rewritten in place (stage, pages laid out); otherwise
 * plain lines per stage; nothing with --quiet. Only the CLI uses this.
 */
const STAGE_NAMES: Record<string, string> = {
  normalize: '规范化书稿',
  print: '印刷版',
  html: '生成印刷 HTML',
  layout: '查版面缓存、分块',
  browser: '在浏览器中排版（Paged.js）',
  merge: '合并 PDF',
  postprocess: 'PDF 后处理',
  markdown: '写规范化书稿',
  toc: '写 toc.json',
  epub: '生成 EPUB',
  publish: '写入输出文件夹',
  check: '校验目录页码',
};

/**
 * The print writer reports `toc` while it fills the 目录's page numbers in the front matter;
 * the build reports `toc` again when it writes toc.json. Inside the print stages it is the former.
 */
const PRINT_STAGES = new Set(['print', 'html', 'layout', 'browser', 'toc-fill']);
const TOC_FILL = '回填目录页码';

/** Stages during which pages are being laid out: the live line counts them. */
const LAYOUT_STAGES = new Set(['layout', 'browser']);

export class Progress {
  private stage = '';
  private pages = 0;
  private readonly started = performance.now();

  constructor(private readonly stream: NodeJS.WriteStream, private readonly quiet: boolean) {}

  private get live(): boolean {
    return !this.quiet && Boolean(this.stream.isTTY);
  }

  onStage = (stage: string): void => {
    if (this.quiet) return;
    if (stage === 'toc' && PRINT_STAGES.has(this.stage)) stage = 'toc-fill';
    this.stage = stage;
    const name = this.label(stage);
    if (this.live) this.render(`▸ ${name}`);
    else this.stream.write(`▸ ${name}\n`);
  };

  onPage = (pages: number): void => {
    this.pages = pages;
    this.renderLayout();
  };

  /** Papers laid out (or taken from the layout cache) so far. */
  onPaper = (done: number, total: number): void => {
    this.papers = [done, total];
    this.renderLayout();
  };

  private papers: [number, number] | null = null;

  private label(stage: string): string {
    return stage === 'toc-fill' ? TOC_FILL : (STAGE_NAMES[stage] ?? stage);
  }

  /** Pages and papers so far, on the live line — only while pages are being laid out. */
  private renderLayout(): void {
    if (!this.live || !LAYOUT_STAGES.has(this.stage)) return;
    const papers = this.papers ? `，论文 ${this.papers[0]}/${this.papers[1]} 篇` : '';
    this.render(`▸ ${this.label(this.stage)}：已排 ${this.pages} 页${papers}`);
  }

  /** Clear the live line before other output is printed. */
  clear(): void {
    if (this.live) this.stream.write('\r\x1b[2K');
  }

  done(summary: string): void {
    this.clear();
    if (!this.quiet) this.stream.write(`${summary}（${((performance.now() - this.started) / 1000).toFixed(1)} 秒）\n`);
  }

  private render(line: string): void {
    this.stream.write(`\r\x1b[2K${line}`);
  }
}
