/** The readable Chinese table `juan check` prints. */
import type { CheckReport } from './index.ts';
import { displayWidth } from './text.ts';

const TITLE_MAX = 24;

function cut(s: string): string {
  const chars = [...s];
  return chars.length <= TITLE_MAX ? s : chars.slice(0, TITLE_MAX - 1).join('') + '…';
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

export function formatCheckTable(report: CheckReport): string {
  const out: string[] = [];
  if (report.rows.length === 0) {
    out.push(
      report.ok
        ? `目录核对通过：${report.papersChecked} 篇论文的页码在目录、toc.json 和 manuscript.normalized.md 中都与 PDF（${report.pdfPages} 页）所印一致。`
        : `目录中没有页码不符，但核对未通过（${report.papersChecked} 篇论文，PDF ${report.pdfPages} 页）：`,
    );
  } else {
    out.push(`目录核对未通过：${report.rows.length} 处页码与 PDF（${report.pdfPages} 页）所印不符。`, '');
    const header = ['论文', '出处', '目录所写', '实际页码'];
    const body = report.rows.map((r) => [cut(r.paper), r.where, r.says ?? '（未列出）', r.actual ?? '（未知）']);
    const widths = header.map((h, c) => Math.max(displayWidth(h), ...body.map((row) => displayWidth(row[c]!))));
    const line = (cells: string[]) => cells.map((cell, c) => pad(cell, widths[c]!)).join(' │ ').trimEnd();
    out.push(line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...body.map(line));
  }
  if (report.notes.length) {
    out.push('');
    for (const note of report.notes) out.push(`注：${note}`);
  }
  return out.join('\n');
}
