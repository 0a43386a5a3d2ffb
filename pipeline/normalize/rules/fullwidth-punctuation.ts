/**
 * fullwidth-punctuation — punctuation width by context (GB/T 15834): half-width `, : ; ? !` and
 * bracket pairs `( )` next to Chinese become full-width (spaces around them dropped);
 * `...` `。。。` `…` `···` → `……`; `--` `—` `－－` → `——`. Numbers, Latin words and URLs keep
 * theirs (`5.5万`, `3D`, `2.72%`, `1,000`, `10:30`). Certain → info, one message per change.
 *
 * Hand-written rather than autocorrect-node: autocorrect (with its spacing rules disabled) converts
 * `, : ? !` but not `;`, brackets, ellipses or dashes, and `format()` gives no positions to report.
 * We never insert spaces between Han and Latin/digits.
 */
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { editText, isCjk, isHan, plain, roleOf, textNodes, type Edit } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['增长5.5万元，占2.72%，浙创3D产业园，1,000 人，10:30 开会，见 http://a.b/c 。\n', '全要素生产率（TFP）四大类\n'],
  notOk: [
    { in: '中文,测试\n', out: '中文，测试\n', messages: ['1:3 fullwidth-punctuation'] },
    { in: '问题:一是;二是?对!\n', out: '问题：一是；二是？对！\n', messages: ['1:3 fullwidth-punctuation', '1:6 fullwidth-punctuation', '1:9 fullwidth-punctuation', '1:11 fullwidth-punctuation'] },
    { in: '市发改局(市上海办)\n', out: '市发改局（市上海办）\n', messages: ['1:5 fullwidth-punctuation'] },
    { in: '等等...还有\n', out: '等等……还有\n', messages: ['1:3 fullwidth-punctuation'] },
    { in: '科技--创新\n', out: '科技——创新\n', messages: ['1:3 fullwidth-punctuation'] },
    { in: '甲 , 乙\n', out: '甲，乙\n', messages: ['1:2 fullwidth-punctuation'] },
  ],
};

const SIMPLE: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！' };
/** Characters that can start a change; text without any of them is left alone at once. */
const TRIGGER = /[,:;?!(.。·…\-－—–]/;
const SCAN = /[,:;?!.。·…\-－—–]/g;
// sticky: matched at a position without slicing the rest of the string
const ELLIPSIS = /\.{3,}|。{3,}|·{3,}|…(?!…)/y;
const DASH = /-{2,3}|－{1,2}|—(?!—)|–/y;
const HAN_RE = /\p{Script=Han}/u;
const DIGIT = /\d/;
const isDigit = (ch: string | undefined) => ch != null && DIGIT.test(ch);

export interface PunctChange extends Edit { from: string }

/** Compute the punctuation fixes of a string (edits against the input) and the fixed text. */
export function fixPunctuation(s: string): { text: string; edits: PunctChange[] } {
  const edits: PunctChange[] = [];
  if (!TRIGGER.test(s)) return { text: s, edits };
  const prevNonSpace = (i: number) => { let k = i - 1; while (k >= 0 && s[k] === ' ') k--; return k; };
  const nextNonSpace = (i: number) => { let k = i; while (k < s.length && s[k] === ' ') k++; return k; };
  let covered: Uint8Array | null = null;
  // bracket pairs
  for (let i = s.indexOf('('); i >= 0 && i < s.length; i = s.indexOf('(', i + 1)) {
    const close = s.indexOf(')', i + 1);
    if (close < 0) break; // no `)` after this `(`, nor after any later one
    const nested = s.indexOf('(', i + 1);
    if (nested >= 0 && nested < close) continue;
    const inner = s.slice(i + 1, close);
    const p = prevNonSpace(i);
    const n = nextNonSpace(close + 1);
    if (HAN_RE.test(inner) || isCjk(s[p]) || (p < 0 && isHan(s[n]))) {
      const a = isCjk(s[p]) ? p + 1 : i;
      edits.push({ start: a, end: i + 1, insert: '（', from: s.slice(a, i + 1) });
      const b = isCjk(s[n]) ? n : close + 1;
      edits.push({ start: close, end: b, insert: '）', from: s.slice(close, b) });
      covered ??= new Uint8Array(s.length);
      covered.fill(1, a, b);
      i = close;
    }
  }
  // only the characters that can start a change (the regex skips the rest without a string per character)
  const next = (from: number) => {
    SCAN.lastIndex = from;
    return SCAN.exec(s)?.index ?? -1;
  };
  for (let i = next(0); i >= 0; i = next(i + 1)) {
    const ch = s[i];
    if (covered && covered[i]) continue;
    if (SIMPLE[ch]) {
      const p = prevNonSpace(i);
      const n = nextNonSpace(i + 1);
      const before = s[p];
      const after = s[n];
      if (isDigit(before) && isDigit(after) && p === i - 1 && n === i + 1) continue;
      if (ch === ':' && s[i + 1] === '/') continue;
      if (isCjk(before) || isHan(after)) {
        const a = isCjk(before) ? p + 1 : i;
        const b = isHan(after) ? n : i + 1;
        edits.push({ start: a, end: b, insert: SIMPLE[ch], from: s.slice(a, b) });
        i = b - 1;
      }
      continue;
    }
    if (ch === '.' || ch === '。' || ch === '·' || ch === '…') {
      ELLIPSIS.lastIndex = i;
      const ell = ELLIPSIS.exec(s);
      if (ell && (isCjk(s[i - 1]) || isCjk(s[i + ell[0].length]))) {
        if (ell[0] !== '……') edits.push({ start: i, end: i + ell[0].length, insert: '……', from: ell[0] });
        i += ell[0].length - 1;
        continue;
      }
      if (ch === '…' && s[i + 1] === '…') { i++; continue; }
      continue;
    }
    if (ch === '-' || ch === '－' || ch === '—' || ch === '–') {
      DASH.lastIndex = i;
      const dash = DASH.exec(s);
      if (dash && (isHan(s[i - 1]) || isHan(s[i + dash[0].length])) && !(isDigit(s[i - 1]) && isDigit(s[i + dash[0].length]))) {
        edits.push({ start: i, end: i + dash[0].length, insert: '——', from: dash[0] });
        i += dash[0].length - 1;
        continue;
      }
      if (ch === '—' && s[i + 1] === '—') { i++; continue; }
    }
  }
  edits.sort((x, y) => x.start - y.start);
  let text = '';
  let at = 0;
  for (const e of edits) { text += s.slice(at, e.start) + e.insert; at = e.end; }
  text += s.slice(at);
  return { text, edits };
}

export default defineRule({ id: 'fullwidth-punctuation' }, (tree, file, ctx) => {
  let references = false; // 参考文献 entries keep their punctuation as written (GB/T 7714)
  for (const block of tree.children) {
    if (block.type === 'heading') references = /^(?:参考文献|参考资料|主要参考文献)$/.test(plain(block).trim());
    if (references || roleOf(block) === 'toc' || block.type === 'code' || block.type === 'yaml' || block.type === 'html') continue;
    for (const node of textNodes(block)) {
      const { edits } = fixPunctuation(node.value);
      if (!edits.length) continue;
      const pairs: Edit[] = [];
      for (const e of edits) {
        pairs.push(e);
        if (e.insert === '）') continue; // one message per bracket pair
        if (e.insert === '（') {
          ctx.info('半角括号「( )」在中文中改为全角「（ ）」', ctx.at(node, e.start));
          continue;
        }
        ctx.info(`半角标点「${e.from.trim() || e.from}」在中文中改为「${e.insert}」`, ctx.at(node, e.start));
      }
      editText(file, node, pairs);
    }
  }
});
