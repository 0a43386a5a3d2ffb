/** Terminal output of the CLI: the normalization messages, one line each, and one-line errors. */
import type { VFile } from 'vfile';
import { JuanError } from './errors.ts';

const SEVERITY = { error: '错误', warning: '警告', info: '修改' } as const;

/**
 * The normalization messages, unified-style (`line:column  severity  reason  rule-id`), sorted
 * by position, unpadded: Chinese messages are long, and padding every line to the longest
 * makes the report unreadable in an 80-column terminal.
 */
export function formatMessages(file: VFile, options: { quiet?: boolean } = {}): string {
  const messages = [...file.messages]
    .filter((m) => !options.quiet || m.fatal != null)
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const lines = messages.map((m) => {
    const place = `${m.line ?? 0}:${m.column ?? 0}`.padEnd(8);
    const severity = SEVERITY[m.fatal === true ? 'error' : m.fatal === false ? 'warning' : 'info'];
    return `  ${place} ${severity}  ${m.reason}  ${m.ruleId ?? ''}`;
  });
  const warnings = messages.filter((m) => m.fatal === false).length;
  return [file.path, ...lines, `共 ${messages.length} 条（其中警告 ${warnings} 条）`].join('\n');
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
    const source = ` [${error.source ?? error.kind}]`; // every error line carries its tag
    let line = `错误${source} ${where}${error.message}`;
    if (error.hint) line += `\n  提示：${error.hint}`;
    if (debug && error.stack) line += `\n${error.stack}`;
    if (debug && error.cause instanceof Error) line += `\n原因：${error.cause.stack}`;
    return line;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `错误 [internal] 内部错误：${message}${debug && error instanceof Error ? `\n${error.stack}` : '\n  提示：加 --debug 查看详细信息，并把它报告给开发者'}`;
}
