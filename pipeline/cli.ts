/**
 * The `juan` command line: parses argv, runs one command, prints, sets the exit code.
 * The only place that prints or decides exit codes; everything below throws JuanError.
 */
import { parseArgs } from 'node:util';
import { JuanError } from './report/errors.ts';
import { Progress } from './report/progress.ts';
import { formatError, formatMessages, formatRuleSummary } from './report/terminal.ts';

const USAGE = `用法 / usage: juan <命令> [选项]

命令:
  normalize   规范化书稿，写出 manuscript.normalized.md、toc.json、report.json
  build       规范化 + 排版，写出 book.pdf、print.html、book.epub 及上述文件
  check       读取 book.pdf，核对目录页码（与 toc.json、规范化书稿比对）

选项:
  --manuscript FILE   书稿（默认 manuscript/ 中的 .md 文件）
  --config FILE       book.yaml（默认书稿旁的 book.yaml）
  --out DIR           输出文件夹（默认 dist/）
  --print-ready       印厂版：加 3 mm 出血和裁切标记
  --no-epub           只出 PDF（校对时更快）
  --cache DIR         构建缓存文件夹（默认 .cache/juan：版面、PDF、字体子集）：只重排改动过的论文
  --no-cache          冷构建：不读也不写构建缓存
  --quiet             不显示进度和逐条修改
  --debug             出错时显示堆栈
  -h, --help          显示本帮助
`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        manuscript: { type: 'string' },
        config: { type: 'string' },
        out: { type: 'string' },
        'print-ready': { type: 'boolean' },
        'no-epub': { type: 'boolean' },
        cache: { type: 'string' },
        'no-cache': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        debug: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`错误 [usage] ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const debug = Boolean(values.debug);
  const quiet = Boolean(values.quiet);
  const progress = new Progress(process.stderr, quiet);
  const callbacks = {
    onStage: progress.onStage,
    onPage: progress.onPage,
    onPaper: progress.onPaper,
    onWarning: (w: string) => {
      progress.clear();
      process.stderr.write(`警告 ${w}\n`);
    },
  };
  const common = { manuscript: values.manuscript, config: values.config, out: values.out };
  try {
    switch (command) {
      case 'normalize': {
        const { runNormalize } = await import('./commands/normalize.ts');
        const result = await runNormalize(common, callbacks);
        progress.clear();
        printMessages(result.file, result.report.counts.byRule, quiet);
        progress.done(`完成：${result.report.papers.delivered} 篇论文正文，${result.report.papers.missing.length} 篇只在目录中；输出 ${result.written.join('、')}`);
        return 0;
      }
      case 'build': {
        // Chromium is launched first: it starts up while Node loads the rest of the build (~0.4 s).
        const { BrowserSession, findChromium } = await import('./render/print/browser.ts');
        let browser: ReturnType<typeof BrowserSession.start> | undefined;
        try {
          findChromium();
          browser = BrowserSession.start();
          browser.session.catch(() => {}); // the build meets the error if it needs the browser
        } catch {
          /* no browser: the build says so if it needs one */
        }
        const { runBuild } = await import('./commands/build.ts');
        const result = await runBuild(
          { ...common, printReady: values['print-ready'], epub: !values['no-epub'], cacheDir: values.cache, cache: !values['no-cache'], browser },
          callbacks,
        );
        progress.clear();
        printMessages(result.file, result.report.counts.byRule, quiet);
        progress.done(`完成：${result.pageMap.pageCount} 页；输出 ${result.written.filter((p) => !p.includes('/assets/')).join('、')}`);
        return 0;
      }
      case 'check': {
        // Loaded per command: pdfjs-dist and the browser driver are heavy.
        const { runCheck } = await import('./commands/check.ts');
        const { formatCheckTable } = await import('./check/index.ts');
        const report = await runCheck({ out: values.out }, callbacks);
        progress.clear();
        if (report.ok) {
          process.stdout.write(`目录页码核对通过：${report.papersChecked} 篇论文，PDF 共 ${report.pdfPages} 页。\n`);
          return 0;
        }
        process.stdout.write(`目录页码有误：\n${formatCheckTable(report)}\n`);
        return 1;
      }
      default:
        throw new JuanError('usage', `未知命令「${command}」`, { hint: '可用命令：normalize、build、check（juan --help）' });
    }
  } catch (error) {
    progress.clear();
    process.stderr.write(formatError(error, debug) + '\n');
    return error instanceof JuanError ? error.exitCode : 1;
  }
}

function printMessages(file: Parameters<typeof formatMessages>[0], byRule: Record<string, number>, quiet: boolean): void {
  if (quiet) return;
  process.stderr.write(formatMessages(file) + '\n');
  const summary = formatRuleSummary(byRule);
  if (summary) process.stderr.write(`按规则统计：\n${summary}\n`);
}

// A failure that escapes the awaited path (thrown in a timer or a browser callback) still ends
// in the one error line and exit code, never a stack trace and `Node.js v…` (issue 13).
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    process.stderr.write(formatError(error, process.argv.includes('--debug')) + '\n');
    process.exit(error instanceof JuanError ? error.exitCode : 1);
  });
}

process.exitCode = await main(process.argv.slice(2));
