/**
 * run-in-head-style — bold run-in heads start a paragraph and are written one way:
 * `**（1）要…。**text`. `**(1) 要…。**` and `(7) **要…。**` (numbering outside the bold) become that.
 * CommonMark does not close `**` between `。` and a Han character, so the parser leaves these as
 * literal asterisks; this rule turns a paragraph-initial `**…**` into a `strong` node (a parsing
 * fix, silent) and reports only real changes of the text (numbering moved or made full-width) → info.
 */
import type { Paragraph, Strong, Text } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { appendText, editText, isLiteralAt, roleOf, splitText, type Edit } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['**（一）工业规模不断壮大。**我市制造业。\n', '**一是要解放思想。**慈溪工业。\n', '\\*\\*（1）要点。\\*\\*内容。\n'],
  notOk: [
    { in: '**(1) 要立足解放思想。**惟先解放思想。\n', out: '**（1）要立足解放思想。**惟先解放思想。\n', messages: ['1:3 run-in-head-style'] },
    { in: '(7) **要在更加开放条件下。**习近平指出。\n', out: '**（7）要在更加开放条件下。**习近平指出。\n', messages: ['1:1 run-in-head-style'] },
    { in: '**(一) 调结构，发展高质量产业。**对标。\n', out: '**（一）调结构，发展高质量产业。**对标。\n', messages: ['1:3 run-in-head-style'] },
    // a zero-width space after 。 made `**` close in the parse; hygiene runs before it (fuzz counterexample)
    {
      in: '(7) **要在更加开放条件下通过全面深化改革实现高质量发展。\u200b**习近平指出。\n',
      out: '**（7）要在更加开放条件下通过全面深化改革实现高质量发展。**习近平指出。\n',
      messages: ['1:1 run-in-head-style'],
    },
    { in: '**(1) 要立足解放思想。\u200b**惟先解放思想。\n', out: '**（1）要立足解放思想。**惟先解放思想。\n', messages: ['1:3 run-in-head-style'] },
    // a head cut by an old page break (fuzz counterexample: written as `\*\*`, then read back as bold)
    {
      in: '# 题目\n\n市甲局\n\n**(1) 要立足解放思想，展现担当作为新气象，力促全市经济高质\n\n量发展,展现新气象。**惟先解放思想。\n',
      out: '# 题目\n\n市甲局\n\n**（1）要立足解放思想，展现担当作为新气象，力促全市经济高质量发展，展现新气象。**惟先解放思想。\n',
      messages: ['5:3 run-in-head-style'],
    },
  ],
};

const NUM = /^([（(])\s*(\d{1,2}|[一二三四五六七八九十]+)\s*([）)])\s*/;
const OUTSIDE = /^([（(]\s*(?:\d{1,2}|[一二三四五六七八九十]+)\s*[）)])\s*(?=\*\*)/;

/** Edits that turn a leading `(1) ` in `s` into `（1）`; [] when already canonical. */
function numberEdits(s: string, at = 0): Edit[] {
  const m = s.slice(at).match(NUM);
  if (!m) return [];
  const canon = `（${m[2]}）`;
  if (m[0] === canon) return [];
  return [{ start: at, end: at + m[0].length, insert: canon }];
}

export default defineRule({ id: 'run-in-head-style' }, (tree, file, ctx) => {
  for (const p of tree.children) {
    if (p.type !== 'paragraph' || roleOf(p) === 'toc') continue;
    const first = p.children[0];
    if (first?.type === 'strong') {
      // parsed bold: only its numbering may need fixing
      const t = first.children[0];
      if (t?.type === 'text') {
        const edits = numberEdits(t.value);
        if (edits.length && ctx.allowed(ctx.at(t, 0))) {
          ctx.info(`加粗小标题的编号已统一为「${edits[0].insert}」：「${t.value.slice(0, 12)}…」`, ctx.at(t, 0));
          editText(file, t, edits);
        }
      }
      continue;
    }
    if (first?.type !== 'text') continue;
    const second = p.children[1];
    const out = first.value.match(OUTSIDE);
    // `(7) ` text followed by a parsed strong
    if (out && first.value.trim() === out[1] && second?.type === 'strong' && ctx.allowed(ctx.at(first, 0))) {
      const inner = second.children[0];
      if (inner?.type === 'text') {
        const canon = `（${out[1].replace(/[\s（()）]/g, '')}）`;
        ctx.info(`加粗小标题的编号已移入加粗并统一为「${canon}」：「${first.value.trim()} **${inner.value.slice(0, 10)}…」`, ctx.at(first, 0));
        inner.value = canon + inner.value;
        p.children.shift();
      }
      continue;
    }
    // literal `**…**` at paragraph start (optionally preceded by `(7) `); asterisks the source escapes
    // (`\*\*`, as our writer does for literal ones) are text
    if (out && !ctx.allowed(ctx.at(first, 0))) continue;
    const open = out ? out[0].length : 0;
    if (!first.value.startsWith('**', open) || /\s/.test(first.value[open + 2] ?? ' ')) continue;
    if (!isLiteralAt(file, first, open) || !isLiteralAt(file, first, open + 1)) continue;
    const literalClose = (from: number) => {
      for (let c = first.value.indexOf('**', from); c >= 0; c = first.value.indexOf('**', c + 1))
        if (isLiteralAt(file, first, c) && isLiteralAt(file, first, c + 1)) return c;
      return -1;
    };
    let close = literalClose(open + 2);
    // a head cut by an old page break: join-page-break-paragraphs left its pieces as sibling text nodes
    while (close < 0 && p.children[1]?.type === 'text') {
      const from = Math.max(open + 2, first.value.length - 1);
      appendText(file, first, p.children[1]);
      p.children.splice(1, 1);
      close = literalClose(from);
    }
    const v = first.value;
    if (close < 0 || close === open + 2) continue;
    const [head, tail] = splitText(file, first, close);
    const edits: Edit[] = [];
    if (out) {
      const canon = `（${out[1].replace(/[\s（()）]/g, '')}）`;
      edits.push({ start: 0, end: open + 2, insert: canon });
      ctx.info(`加粗小标题的编号已移入加粗并统一为「${canon}」：「${v.slice(0, open + 12)}…」`, ctx.at(first, 0));
    } else {
      edits.push({ start: 0, end: 2, insert: '' });
      const num = ctx.allowed(ctx.at(first, 2)) ? numberEdits(head.value, 2) : [];
      if (num.length) {
        edits.push(...num);
        ctx.info(`加粗小标题的编号已统一为「${num[0].insert}」：「${v.slice(0, 14)}…」`, ctx.at(first, 2));
      }
    }
    editText(file, head, edits);
    editText(file, tail, [{ start: 0, end: 2, insert: '' }]);
    const strong: Strong = { type: 'strong', children: [head], position: first.position };
    const rest: Text[] = tail.value ? [tail] : [];
    (p as Paragraph).children.splice(0, 1, strong, ...rest);
  }
});
