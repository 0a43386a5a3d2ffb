import { describe, expect, it } from 'vitest';
import rule, { editDistance, editDistanceWithin, examples } from '../../pipeline/normalize/rules/reconcile-toc.ts';
import { runExamples } from './run-examples.ts';

runExamples(rule, examples);

describe('editDistanceWithin', () => {
  it('is exact up to the bound and above it beyond', () => {
    const words = ['', '甲', '促进制造业发展的对策研究', '促进制造业发展的对策建议', '加快制造业发展', '对策研究促进'];
    for (const a of words)
      for (const b of words) {
        const d = editDistance(a, b);
        for (const max of [0, 1, 2, 3, 6, 20]) {
          const w = editDistanceWithin(a, b, max);
          if (d <= max) expect(w).toBe(d);
          else expect(w).toBeGreaterThan(max);
        }
      }
  });
});
