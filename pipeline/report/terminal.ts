/** Terminal output of the CLI: vfile-reporter for normalization messages, one-line errors. */
import { reporter } from 'vfile-reporter';
import type { VFile } from 'vfile';
import { JuanError } from './errors.ts';

/** The normalization messages, unified-style (`line:column  severity  reason  rule-id`). */
export function formatMessages(file: VFile, options: { quiet?: boolean } = {}): string {
  return reporter([file], { quiet: options.quiet ?? false, verbose: false });
}

/** Counts per rule, for a short summary under the long list. */
export function formatRuleSummary(byRule: Record<string, number>): string {
  const rows = Object.entries(byRule).sort((a, b) => b[1] - a[1]);
  return rows.map(([rule, n]) => `  ${String(n).padStart(4)}  ${rule}`).join('\n');
}

/** One line for a typed error: `错误 file:line:col [source] message\n  提示：hint`. */
export function formatError(error: unknown, debug: boolean): string {
  if (error instanceof JuanError) {
    const where = error.where ? `${error.where}: ` : '';
    const source = error.source ? ` [${error.source}]` : '';
    let line = `错误${source} ${where}${error.message}`;
    if (error.hint) line += `\n  提示：${error.hint}`;
    if (debug && error.stack) line += `\n${error.stack}`;
    if (debug && error.cause instanceof Error) line += `\n原因：${error.cause.stack}`;
    return line;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `内部错误：${message}${debug && error instanceof Error ? `\n${error.stack}` : '\n  提示：加 --debug 查看详细信息，并把它报告给开发者'}`;
}
