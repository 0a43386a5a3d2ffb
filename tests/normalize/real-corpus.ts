/**
 * What the normalization rules of this issue do to a real manuscript, in the form its audited expected
 * list is kept (tests/normalize/real-expected.json): counts per rule and severity, every join and every
 * deletion with its place. Rules of structure recognition (toc-entries, reconcile-toc, paper-header) and
 * the model's own notes (build-volume) are left out: they belong to another issue.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeManuscript, type NormalizeResult } from '../../pipeline/normalize/index.ts';

export const REAL = join(import.meta.dirname, '..', 'fixtures', 'real');
export const fixtures = () => readdirSync(REAL, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const OTHERS = new Set(['toc-entries', 'reconcile-toc', 'paper-header', 'build-volume']);

export interface ChangeList {
  counts: Record<string, number>;
  joins: string[];
  deletions: string[];
  /** Lines made headings (numbered-line-heading): a change of structure, each audited by its place. */
  headings: string[];
}

/** A fixture's manuscript: `manuscript.md`, or the one Markdown file beside SOURCE.md (named by the book, as a user would hand it in). */
export function manuscriptOf(name: string): string {
  const mds = readdirSync(join(REAL, name)).filter((f) => f.endsWith('.md') && f !== 'SOURCE.md');
  return join(REAL, name, mds.includes('manuscript.md') ? 'manuscript.md' : mds[0]!);
}

export function readFixture(name: string): { text: string; result: NormalizeResult } {
  const path = manuscriptOf(name);
  const text = readFileSync(path, 'utf8');
  return { text, result: normalizeManuscript({ path, text }) };
}

export function changeList(result: NormalizeResult): ChangeList {
  const counts: Record<string, number> = {};
  const joins: string[] = [];
  const deletions: string[] = [];
  const headings: string[] = [];
  for (const m of result.file.messages) {
    if (OTHERS.has(m.ruleId ?? '')) continue;
    const key = `${m.ruleId} ${m.fatal === false ? '警告' : '修改'}`;
    counts[key] = (counts[key] ?? 0) + 1;
    if (m.fatal === false) continue;
    if (m.ruleId === 'join-page-break-paragraphs') joins.push(`${m.line}:${m.column} ${m.reason}`);
    if (m.ruleId === 'numbered-line-heading') headings.push(`${m.line}:${m.column} ${m.reason}`);
    if (m.ruleId === 'page-furniture' || m.ruleId === 'web-page-chrome' || ((m.ruleId === 'raw-html' || m.ruleId === 'role-markup') && m.reason.startsWith('删除'))) deletions.push(`${m.line}:${m.column} ${m.reason}`);
  }
  return { counts: Object.fromEntries(Object.entries(counts).sort()), joins, deletions, headings };
}
