/**
 * The command line's grammar: which commands exist, which options each one takes, their help
 * texts, and the parser that turns argv into (command, options) or a JuanError('usage') saying,
 * in Chinese, what is wrong, what was probably meant and the command's one-line usage.
 * Pure: the CLI prints.
 */
import { parseArgs } from 'node:util';
import { JuanError } from '../report/errors.ts';
import { suggest } from '../report/suggest.ts';

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help texts. */
  arg?: string;
  help: string;
}

export const OPTIONS = {
  manuscript: { type: 'string', arg: 'FILE', help: '书稿（默认 manuscript/ 中的 .md 文件）' },
  config: { type: 'string', arg: 'FILE', help: 'book.yaml（默认书稿旁的 book.yaml）' },
  out: { type: 'string', arg: 'DIR', help: '输出文件夹（默认 dist/）' },
  'print-ready': { type: 'boolean', help: '印厂版：3 mm 出血、出血外的裁切标记、纯黑（灰度）、偶数页、PDF/X-4；与 check 同用：印前检查（页面框、字体、颜色、图片、标准）' },
  'no-epub': { type: 'boolean', help: '只出 PDF（校对时更快）；输出文件夹中旧的 book.epub 会被删除' },
  cache: { type: 'string', arg: 'DIR', help: '构建缓存文件夹（默认 .cache/juan：版面、PDF、字体子集）：只重排改动过的论文' },
  'no-cache': { type: 'boolean', help: '冷构建：不读也不写构建缓存' },
  port: { type: 'string', arg: 'N', help: '预览服务器的端口（默认由系统挑一个空闲端口）' },
  quiet: { type: 'boolean', short: 'q', help: '不显示进度和逐条修改' },
  debug: { type: 'boolean', help: '出错时显示堆栈' },
  help: { type: 'boolean', short: 'h', help: '显示本命令的帮助' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export const COMMANDS = {
  normalize: {
    summary: '规范化书稿，写出 manuscript.normalized.md、toc.json、report.json',
    options: ['manuscript', 'config', 'out', 'quiet', 'debug', 'help'],
  },
  build: {
    summary: '规范化 + 排版，写出 book.pdf、print.html、book.epub 及上述文件',
    options: ['manuscript', 'config', 'out', 'print-ready', 'no-epub', 'cache', 'no-cache', 'quiet', 'debug', 'help'],
  },
  check: {
    summary: '读取 book.pdf，核对目录页码（与 toc.json、规范化书稿比对）；加 --print-ready 另做印前检查',
    options: ['out', 'print-ready', 'quiet', 'debug', 'help'],
  },
  preview: {
    summary: '本机预览：启动 127.0.0.1 上的预览页，改书稿、book.yaml、样式或图片并保存后自动重排，打开的页面跳到有变化的那一页',
    options: ['manuscript', 'config', 'out', 'port', 'cache', 'quiet', 'debug', 'help'],
  },
} as const satisfies Record<string, { summary: string; options: readonly OptionName[] }>;

export type CommandName = keyof typeof COMMANDS;

export interface ParsedArgs {
  /** null: no command given (help only). */
  command: CommandName | null;
  values: Partial<Record<OptionName, string | boolean>>;
}

function optionLabel(name: OptionName): string {
  const spec: OptionSpec = OPTIONS[name];
  return `--${name}${spec.arg ? ` ${spec.arg}` : ''}`;
}

/** One line: `juan build [--manuscript FILE] … [--debug]`. */
export function usageLine(command: CommandName | null): string {
  if (!command) return `用法：juan <命令> [选项]；命令：${Object.keys(COMMANDS).join('、')}（juan <命令> --help 查看该命令的选项）`;
  const opts = COMMANDS[command].options.filter((o) => o !== 'help' && o !== 'debug').map((o) => `[${optionLabel(o)}]`);
  return `用法：juan ${command} ${opts.join(' ')}（juan ${command} --help 查看说明）`;
}

export function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}   ${c.summary}`);
  return `用法 / usage: juan <命令> [选项]\n\n命令:\n${rows.join('\n')}\n\n每个命令的选项：juan <命令> --help（如 juan build --help）\n`;
}

export function commandHelp(command: CommandName): string {
  const spec = COMMANDS[command];
  const labels = spec.options.map((o) => {
    const short = (OPTIONS[o] as OptionSpec).short;
    return [`${short ? `-${short}, ` : ''}${optionLabel(o)}`, OPTIONS[o].help] as const;
  });
  const width = Math.max(...labels.map(([l]) => l.length));
  return `用法 / usage: juan ${command} [选项]\n\n${spec.summary}\n\n选项:\n${labels.map(([l, h]) => `  ${l.padEnd(width)}   ${h}`).join('\n')}\n`;
}

function usageError(message: string, command: CommandName | null): JuanError {
  return new JuanError('usage', message, { source: 'usage', hint: usageLine(command) });
}

/** argv (without node and the script) → the command and its options, or a JuanError('usage'). */
export function parseCommandLine(argv: string[]): ParsedArgs {
  // Lenient first pass with every option of every command: it finds the command (a string
  // option's value is not taken for it) and yields the tokens checked below.
  const { tokens } = parseArgs({
    args: argv,
    options: OPTIONS as unknown as Record<string, { type: 'string' | 'boolean'; short?: string }>,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const firstPositional = tokens.find((t) => t.kind === 'positional');
  const given = firstPositional?.kind === 'positional' ? firstPositional.value : undefined;
  let command: CommandName | null = null;
  if (given !== undefined) {
    if (!(given in COMMANDS)) {
      const meant = suggest(given, Object.keys(COMMANDS));
      throw usageError(`未知命令「${given}」。${meant ? `您是不是要「${meant}」？` : `可用命令：${Object.keys(COMMANDS).join('、')}`}`, null);
    }
    command = given as CommandName;
  }
  const allowed: readonly OptionName[] = command ? COMMANDS[command].options : ['help', 'quiet', 'debug'];
  const values: ParsedArgs['values'] = {};
  let afterTerminator = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      afterTerminator = true;
      continue;
    }
    if (token.kind === 'positional') {
      if (token === firstPositional && !afterTerminator) continue;
      throw usageError(`多余的参数「${token.value}」：juan ${command ?? '<命令>'} 不接受这样的参数`, command);
    }
    const name = token.name as OptionName;
    const raw = token.rawName;
    if (!(name in OPTIONS)) {
      const meant = suggest(raw.replace(/^-+/, ''), allowed);
      throw usageError(`未知选项「${raw}」。${meant ? `您是不是要「--${meant}」？` : ''}`.replace(/。$/, ''), command);
    }
    if (!allowed.includes(name)) {
      const users = Object.entries(COMMANDS).filter(([, c]) => (c.options as readonly string[]).includes(name)).map(([n]) => n);
      throw usageError(`选项「${raw}」不适用于 ${command ? `juan ${command}` : '这里'}（用于：${users.map((u) => `juan ${u}`).join('、')}）`, command);
    }
    const spec: OptionSpec = OPTIONS[name];
    if (spec.type === 'string') {
      if (token.value === undefined || token.value === '') throw usageError(`选项「${raw}」后面要跟一个值（${spec.arg}）`, command);
      values[name] = token.value;
    } else {
      if (token.value !== undefined) throw usageError(`选项「${raw}」不带值（写成「${raw}」而不是「${raw}=${token.value}」）`, command);
      values[name] = true;
    }
  }
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(String(values.port)) || port > 65535) throw usageError(`选项「--port」的值「${values.port}」不是端口号（0–65535 的整数）`, command);
  }
  return { command, values };
}
