/**
 * The `juan` command line: parses argv, runs one command, prints, sets the exit code.
 * The only place that prints or decides exit codes; everything below throws JuanError.
 */
import { JuanError } from './report/errors.ts';
import { Progress } from './report/progress.ts';
import { formatCacheUse, formatError, formatMessages, formatRuleSummary } from './report/terminal.ts';
import { commandHelp, generalHelp, parseCommandLine, usageLine, type ParsedArgs } from './commands/args.ts';

async function main(argv: string[]): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    process.stderr.write(formatError(error, argv.includes('--debug')) + '\n');
    return 2;
  }
  const { command, values } = parsed;
  if (values.help) {
    process.stdout.write(command ? commandHelp(command) : generalHelp());
    return 0;
  }
  if (!command) {
    process.stderr.write(formatError(new JuanError('usage', '缺少命令', { source: 'usage', hint: usageLine(null) }), false) + '\n');
    return 2;
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
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  const common = { manuscript: str(values.manuscript), config: str(values.config), out: str(values.out) };
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
        const browser = await launchEarly();
        const { runBuild } = await import('./commands/build.ts');
        const result = await runBuild(
          { ...common, printReady: Boolean(values['print-ready']), epub: !values['no-epub'], cacheDir: str(values.cache), cache: !values['no-cache'], browser },
          callbacks,
        );
        progress.clear();
        printMessages(result.file, result.report.counts.byRule, quiet);
        if (!quiet) process.stderr.write(`${cacheLine(result.report.cache)}\n`);
        for (const removed of result.removed) if (!quiet) process.stderr.write(`已删除旧的 ${removed}（这次用了 --no-epub，它不是这次构建的）\n`);
        progress.done(`完成：${result.pageMap.pageCount} 页；输出 ${result.written.filter((p) => !p.includes('/assets/')).join('、')}`);
        return 0;
      }
      case 'check': {
        // Loaded per command: pdfjs-dist and the browser driver are heavy.
        const { runCheck } = await import('./commands/check.ts');
        const { formatCheckTable } = await import('./check/index.ts');
        const report = await runCheck({ out: common.out }, callbacks);
        progress.clear();
        let preflightFailed = false;
        if (values['print-ready']) {
          // 印前检查 (pipeline/check/preflight.ts): boxes, fonts, colours, images, standard.
          const { preflight, formatPreflight } = await import('./check/preflight.ts');
          const pre = await preflight(`${common.out ?? 'dist'}/book.pdf`);
          process.stdout.write(`印前检查：\n${formatPreflight(pre)}\n`);
          if (pre.problems.length) preflightFailed = true;
        }
        if (report.ok) {
          process.stdout.write(`目录页码核对通过：${report.papersChecked} 篇论文，PDF 共 ${report.pdfPages} 页。\n`);
          return preflightFailed ? 1 : 0;
        }
        process.stdout.write(`目录页码有误：\n${formatCheckTable(report)}\n`);
        return 1;
      }      case 'preview': {
        // Stopping (Ctrl-C) is listened for before Chromium starts: the page server and the
        // watchers close, and the browser with them (puppeteer-core also kills it on SIGINT).
        let stop!: () => void;
        const stopped = new Promise<void>((resolve) => (stop = resolve));
        const onSignal = () => {
          progress.clear();
          process.stderr.write('预览已停止\n');
          stop();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        // Chromium first, as for build: it starts up while Node loads the preview's modules.
        const browser = await launchEarly();
        const { startPreview } = await import('./preview/index.ts');
        const clock = () => new Date().toTimeString().slice(0, 8);
        const live = Boolean(process.stderr.isTTY) && !quiet;
        const preview = await startPreview(
          { ...common, cacheDir: str(values.cache), port: values.port === undefined ? undefined : Number(values.port) },
          {
            ...(live ? { onStage: progress.onStage, onPage: progress.onPage, onPaper: progress.onPaper } : {}),
            onWarning: callbacks.onWarning,
            onBuilding: (changed) => {
              if (changed.length && !quiet) process.stderr.write(`${clock()} 已保存 ${changed.map((f) => f.split('/').at(-1)).join('、')}，重排…\n`);
            },
            onBuilt: (b) => {
              progress.clear();
              if (quiet) return;
              // The first page whose PDF bytes changed (a paper laid out again changes from its first page; the open page finds the edit itself).
              const where = b.version === 1 ? '' : b.firstChanged ? `；从第 ${b.firstChanged} 面起有改变` : '；版面没有变化';
              process.stderr.write(`${clock()} 第 ${b.version} 版：${b.pageCount} 页，${b.seconds.toFixed(1)} 秒；${cacheLine(b.cache)}${where}\n`);
              for (const removed of b.removed) process.stderr.write(`已删除旧的 ${removed}（预览只出 PDF，它不是这次构建的；要电子书请运行 juan build）\n`);
            },
            onFailed: (error) => {
              progress.clear();
              process.stderr.write(`${clock()} ${formatError(error, debug)}\n  （页面上仍是上一次成功的版面）\n`);
            },
          },
          browser,
        );
        process.stdout.write(`预览：${preview.url}（在浏览器中打开；保存书稿后自动重排；Ctrl-C 停止）\n`);
        await stopped;
        await preview.close();
        return 0;
      }
    }
  } catch (error) {
    progress.clear();
    process.stderr.write(formatError(error, debug) + '\n');
    return error instanceof JuanError ? error.exitCode : 1;
  }
}

/** 「3 篇取自缓存，重排 1 篇」: what the layout cache did in this build (report.json `cache`). */
/**
 * Launch Chromium before the command's own modules load (it takes ~0.5 s to come up): undefined
 * when there is none — the build says so if it needs one. A launch that fails is met by the build.
 */
async function launchEarly() {
  const { BrowserSession, findChromium } = await import('./render/print/browser.ts');
  try {
    findChromium();
  } catch {
    return undefined;
  }
  const browser = BrowserSession.start();
  browser.session.catch(() => {});
  return browser;
}

function cacheLine(cache: Parameters<typeof formatCacheUse>[0]): string {
  return `版面：${formatCacheUse(cache)}`;
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
