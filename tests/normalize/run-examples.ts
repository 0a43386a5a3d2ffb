/** Table-driven runner for a rule's `examples` (ok: unchanged, no messages; notOk: output and `line:col rule-id`). */
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import type { Rule, RuleExamples } from '../../pipeline/normalize/define-rule.ts';
import { normalizeTree } from '../../pipeline/normalize/index.ts';
import { preset } from '../../pipeline/normalize/preset.ts';
import { stringifyMarkdown } from '../../pipeline/render/markdown.ts';

export function normalizeString(input: string) {
  const file = new VFile({ path: 'example.md', value: input });
  const tree = normalizeTree(file);
  return { file, tree, out: stringifyMarkdown(tree) };
}


export function runExamples(rule: Rule, examples: RuleExamples): void {
  describe(`rule ${rule.id}`, () => {
    it('is in the preset', () => expect(preset.map((r) => r.id)).toContain(rule.id));
    it('has ok and not-ok examples', () => {
      expect(examples.ok.length).toBeGreaterThan(0);
      expect(examples.notOk.length).toBeGreaterThan(0);
    });
    for (const input of examples.ok) {
      it(`leaves alone: ${JSON.stringify(input.slice(0, 40))}`, () => {
        const { file, out } = normalizeString(input);
        expect(file.messages.filter((m) => m.ruleId === rule.id).map((m) => `${m.line}:${m.column} ${m.reason}`)).toEqual([]);
        expect(out).toBe(input);
      });
    }
    for (const ex of examples.notOk) {
      it(`fixes/reports: ${JSON.stringify(ex.in.slice(0, 40))}`, () => {
        const { file, out } = normalizeString(ex.in);
        const mine = file.messages.filter((m) => m.ruleId === rule.id);
        expect(mine.length).toBeGreaterThan(0);
        for (const m of mine) {
          expect(m.source).toBe('juan');
          expect(m.reason).toMatch(/\p{Script=Han}/u);
        }
        if (ex.out != null) expect(out).toBe(ex.out);
        if (ex.messages) expect(mine.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual(ex.messages);
      });
    }
  });
}
