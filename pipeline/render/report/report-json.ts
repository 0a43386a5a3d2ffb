/** report.json: every normalization message with its rule and position, counts, stage timings. */
import type { VFile } from 'vfile';
import type { Volume } from '../../model/types.ts';

export interface ReportMessage {
  rule: string;
  line: number | null;
  column: number | null;
  severity: 'info' | 'warning' | 'error';
  text: string;
}

export interface BuildReport {
  manuscript: string;
  messages: ReportMessage[];
  counts: { total: number; bySeverity: Record<string, number>; byRule: Record<string, number> };
  papers: { delivered: number; listed: number; missing: Array<{ index: number; title: string; unit: string | null }> };
  warnings: string[];
  timings: Record<string, number>;
  pages?: number;
  /** What the editor switched off: rules off for the book (book.yaml), changes not made per rule (directives). */
  switchedOff: { book: string[]; place: Record<string, number> };
}

export function severityOf(message: VFile['messages'][number]): ReportMessage['severity'] {
  if (message.fatal === true) return 'error';
  if (message.fatal === false) return 'warning';
  return 'info';
}

export function buildReport(file: VFile, volume: Volume, extra: { warnings: string[]; timings: Record<string, number>; pages?: number }): BuildReport {
  const messages: ReportMessage[] = file.messages.map((m) => ({
    rule: m.ruleId ?? 'unknown',
    line: m.line ?? null,
    column: m.column ?? null,
    severity: severityOf(m),
    text: m.reason,
  }));
  const bySeverity: Record<string, number> = {};
  const byRule: Record<string, number> = {};
  for (const m of messages) {
    bySeverity[m.severity] = (bySeverity[m.severity] ?? 0) + 1;
    byRule[m.rule] = (byRule[m.rule] ?? 0) + 1;
  }
  const delivered = volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers)).length;
  return {
    manuscript: file.path,
    messages,
    counts: { total: messages.length, bySeverity, byRule },
    papers: {
      delivered,
      listed: delivered + volume.missing.length,
      missing: volume.missing.map((m) => ({ index: m.index, title: m.title, unit: m.unit })),
    },
    warnings: extra.warnings,
    timings: extra.timings,
    switchedOff: { book: [...(file.data.juanControl?.off ?? [])], place: { ...(file.data.juanControl?.suppressed ?? {}) } },
    ...(extra.pages != null ? { pages: extra.pages } : {}),
  };
}
