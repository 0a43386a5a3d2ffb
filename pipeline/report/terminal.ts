/** Terminal output of the CLI: normalization messages (grouped like report.html), cache use, one-line errors. */
import type { VFile } from 'vfile';
import { JuanError } from './errors.ts';
import { patternOf } from './patterns.ts';

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
  // identical warnings (same rule and wording but the quoted values), three or more: one line with the count
  const keyOf = (m: VFile['messages'][number]) => `${m.ruleId}\u0000${patternOf(m.reason)}`;
  const counts = new Map<string, VFile['messages']>();
  for (const m of messages) if (m.fatal === false) counts.set(keyOf(m), [...(counts.get(keyOf(m)) ?? []), m]);
  const lines: string[] = [];
  for (const m of messages) {
    const place = `${m.line ?? 0}:${m.column ?? 0}`.padEnd(8);
    const severity = SEVERITY[m.fatal === true ? 'error' : m.fatal === false ? 'warning' : 'info'];
    const same = m.fatal === false ? counts.get(keyOf(m))! : [m];
    if (same.length >= 3) {
      if (same[0] !== m) continue;
      const at = same.slice(0, 5).map((x) => `${x.line ?? 0}:${x.column ?? 0}`).join('、');
      lines.push(`  ${place} ${severity}  ${m.reason}  ${m.ruleId ?? ''}\n           …同类警告共 ${same.length} 条（${at}${same.length > 5 ? ' 等' : ''}），详见 report.html`);
      continue;
    }
    lines.push(`  ${place} ${severity}  ${m.reason}  ${m.ruleId ?? ''}`);
  }
  const warnings = messages.filter((m) => m.fatal === false).length;
  return [file.path, ...lines, `共 ${messages.length} 条（修改 ${messages.length - warnings} 处，警告 ${warnings} 条）`].join('\n');
}

/** What the build cache did, in the editor's words: 「3 篇取自缓存，重排 1 篇」 (report.json `cache`). */
export function formatCacheUse(cache: { enabled: boolean; chunks: number; chunksLaidOut?: number; papersLaidOut: string[] } | undefined): string {
  if (!cache || !cache.enabled) return '未使用构建缓存（--no-cache）：全部重排';
  const papers = Math.max(0, cache.chunks - 1); // the front matter is one chunk, each paper one
  const laidOut = cache.papersLaidOut.length;
  const cached = Math.max(0, papers - laidOut);
  if (!laidOut) return `${cached} 篇全部取自缓存，没有重排`;
  if (!cached) return `缓存中没有可用的版面，重排全部 ${laidOut} 篇`;
  return `${cached} 篇取自缓存，重排 ${laidOut} 篇`;
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
