/**
 * reconcile-toc — matches the papers found in the body to the 目录 entries: exact title, subtitle split
 * (目录 `title——subtitle` vs body title + subtitle line, or body without the subtitle), and near matches
 * by edit distance. The body wins; a near match is reported (warning) with both titles. Entries without
 * a body (listed but not delivered) and bodies without an entry are reported as warnings.
 * Result: `file.data.reconcile = { match: (entry index | -1) per paper, missing: entry indexes }`.
 */
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import type { ReconcileData } from '../../model/normalized.ts';
import { norm } from './paper-header.ts';

export type { ReconcileData } from '../../model/normalized.ts';

export const examples: RuleExamples = {
  ok: ['# 目录\n\n甲乙丙丁戊己\t市甲局\t(01)\n\n# 甲乙丙丁戊己\n\n市甲局\n\n正文。\n'],
  notOk: [
    {
      in: '# 目录\n\n促进制造业发展的对策研究\t市经信局\t(01)\n没有交稿的论文\t市乙局\t(05)\n\n# 促进制造业发展的对策建议\n\n市经信局\n\n正文。\n',
      messages: ['6:1 reconcile-toc', '4:1 reconcile-toc'],
    },
    { in: '# 目录\n\n甲乙丙丁戊己\t市甲局\t(01)\n\n# 完全不同的题目\n\n市乙局\n\n正文。\n', messages: ['5:1 reconcile-toc', '3:1 reconcile-toc'] },
  ],
};

export function editDistance(a: string, b: string): number {
  return editDistanceWithin(a, b, Infinity);
}

/**
 * Levenshtein distance of `a` and `b` when it is at most `max`, else any value > `max`: the length
 * difference is a lower bound, and a row whose minimum exceeds `max` ends the computation.
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    let rowMin = prev[0];
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
      if (prev[j] < rowMin) rowMin = prev[j];
    }
    if (rowMin > max) return max + 1;
  }
  return prev[b.length];
}

export default defineRule({ id: 'reconcile-toc' }, (tree, file, ctx) => {
  const data = file.data;
  const toc = data.toc;
  const papers = data.papers ?? [];
  if (!toc) return;
  const used = new Set<number>();
  const result: ReconcileData = { match: [], kind: [], missing: [] };
  // normalized once per entry, not once per (paper, entry)
  const titles = toc.entries.map((e) => norm(e.title));
  const mains = toc.entries.map((e) => norm(e.mainTitle));
  for (const p of papers) {
    const full = norm(p.title + (p.subtitle ?? ''));
    const main = norm(p.title);
    let k = titles.findIndex((t, i) => !used.has(i) && t === full);
    let kind: ReconcileData['kind'][number] = 'exact';
    if (k < 0) {
      k = titles.findIndex((t, i) => !used.has(i) && (mains[i] === main || t === main));
      kind = 'subtitle';
    }
    if (k < 0) {
      // nearest unused entry (first on ties) if within the limit; entries that cannot beat the limit
      // or the best so far are cut short (length difference, then row minimum)
      const limit = Math.max(2, Math.floor(main.length * 0.2));
      let best = -1;
      let bestD = Infinity;
      for (let i = 0; i < titles.length; i++) {
        if (used.has(i)) continue;
        const cap = Math.min(limit, bestD - 1);
        if (cap < 0) break;
        const d = Math.min(editDistanceWithin(titles[i], full, cap), editDistanceWithin(mains[i], main, cap));
        if (d <= cap) { bestD = d; best = i; }
      }
      if (best >= 0 && bestD <= limit) {
        k = best;
        kind = 'near';
        const e = toc.entries[k];
        ctx.warn(`论文标题与目录不一致，以正文为准：正文「${p.title}」，目录「${e.mainTitle}」`, ctx.at(p.node));
      }
    }
    if (k < 0) {
      // a 目录 that gives the short title (`中国 AI 大厂访问记` for `科技爱好者周刊（第 399 期）：中国 AI
      // 大厂访问记`): the first unused entry whose title the body's contains, or the reverse
      k = titles.findIndex((t, i) => !used.has(i) && Math.min(t.length, full.length) >= 4 && (full.includes(t) || t.includes(full)));
      if (k >= 0) kind = 'contains';
    }
    if (k < 0) {
      kind = 'none';
      ctx.warn(`正文中的论文「${p.title}」不在目录中`, ctx.at(p.node));
    } else {
      used.add(k);
      const e = toc.entries[k];
      if (kind === 'subtitle' && e.subtitle && !p.subtitle)
        ctx.warn(`目录中的副标题「${e.subtitle}」在正文中没有找到`, ctx.at(p.node));
    }
    result.match.push(k);
    result.kind.push(kind);
  }
  toc.entries.forEach((e, i) => {
    if (used.has(i)) return;
    result.missing.push(i);
    ctx.warn(`目录列出的论文「${e.title}」（${e.unit ?? '无单位'}）正文中没有收录`, e.position);
  });
  data.reconcile = result;
});
