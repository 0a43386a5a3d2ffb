/**
 * fullwidth-punctuation — punctuation width by context (GB/T 15834), in Chinese context only: half-width
 * `, : ; ? !` between Han characters (or Han and Chinese punctuation, or Han and the end of the text)
 * become full-width (spaces around them dropped); bracket pairs `( )` around Han text or between Chinese;
 * `...` `。。。` `···` and a lone `…` next to Chinese → `……`; `--` `－－` between Chinese → `——` (a dash run
 * is never made longer or shorter). Latin sentences, numbers, identifiers and code keep ASCII punctuation
 * (`5.5万`, `3D`, `2.72%`, `1,000`, `10:30`, `!False`, `:user-valid`); math, URLs, e-mail addresses and
 * footnote labels are never touched, nor reference entries `[1] …` (their citation style is as written), (text.ts protectedSpans), nor code, HTML or link destinations (not text).
 * A single `—` is left as it is (`学—考—用`); between two Han characters and not part of such a chain it
 * may be a broken `——`: a warning, no change. Certain → info, one message per change.
 *
 * Hand-written rather than autocorrect-node: autocorrect (with its spacing rules disabled) converts
 * `, : ? !` but not `;`, brackets, ellipses or dashes, and `format()` gives no positions to report.
 * We never insert spaces between Han and Latin/digits.
 */
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { editText, isCjk, isHan, isMathParagraph, isReferenceEntry, originalOf, overlaps, plain, protectedSpans, roleOf, textNodes, type Edit } from '../text.ts';

export const examples: RuleExamples = {
  ok: [
    '增长5.5万元，占2.72%，浙创3D产业园，1,000 人，10:30 开会，见 http://a.b/c 。\n',
    '全要素生产率（TFP）四大类\n',
    // a mark that opens a line closes no clause: a command character (rust-magazine-2021)
    '- ! 搜索改成了 docs.rs，!! 改成了 crates.io。\n',
    // Latin and code keep ASCII punctuation; single dashes in a chain and dash runs stay as written
    '表达式 !False 的值，伪类 :user-valid 匹配。\n',
    '坚持学—考—用—赛—留一体化。\n',
    '———以醉驾案件为例\n',
    'Hello, world! It works: yes; really?\n',
    '公式 $a,b:c$ 与 $$x;y$$ 不变，脚注[^a,b]也不变。\n',
    '[2] 赵生宇: 如何评价一个开源项目, 2021\n',
  ],
  notOk: [
    { in: '中文,测试\n', out: '中文，测试\n', messages: ['1:3 fullwidth-punctuation'] },
    { in: '问题:一是;二是?对!\n', out: '问题：一是；二是？对！\n', messages: ['1:3 fullwidth-punctuation', '1:6 fullwidth-punctuation', '1:9 fullwidth-punctuation', '1:11 fullwidth-punctuation'] },
    { in: '市发改局(市上海办)\n', out: '市发改局（市上海办）\n', messages: ['1:5 fullwidth-punctuation'] },
    { in: '等等...还有\n', out: '等等……还有\n', messages: ['1:3 fullwidth-punctuation'] },
    { in: '科技--创新\n', out: '科技——创新\n', messages: ['1:3 fullwidth-punctuation'] },
    { in: '甲 , 乙\n', out: '甲，乙\n', messages: ['1:2 fullwidth-punctuation'] },
    { in: '破折号—不全\n', out: '破折号—不全\n', messages: ['1:4 fullwidth-punctuation'] },
    { in: '结论,见 $\\beta_{10}, x$ 与 https://a.b/c,d?e=1 。\n', out: '结论，见 $\\beta_{10}, x$ 与 https://a.b/c,d?e=1 。\n', messages: ['1:3 fullwidth-punctuation'] },
  ],
};

const SIMPLE: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！' };
/** Characters that can start a change; text without any of them is left alone at once. */
const TRIGGER = /[,:;?!(.。·…\-－—–]/;
const SCAN = /[,:;?!.。·…\-－—–]/g;
// sticky: matched at a position without slicing the rest of the string
const ELLIPSIS = /\.{3,}|。{3,}|·{3,}|…(?!…)/y;
/** `--` and `－－` exactly: two dashes become the two of `——`, never more or fewer. */
const DASH = /--(?!-)|－－(?!－)/y;
const HAN_RE = /\p{Script=Han}/u;
const DIGIT = /\d/;
const isDigit = (ch: string | undefined) => ch != null && DIGIT.test(ch);

export interface PunctChange extends Edit { from: string }

/** Compute the punctuation fixes of a string (edits against the input) and the fixed text. */
export function fixPunctuation(s: string, opensLine = false): { text: string; edits: PunctChange[]; doubts: number[] } {
  const found: PunctChange[] = [];
  const doubts: number[] = [];
  if (!TRIGGER.test(s)) return { text: s, edits: found, doubts };
  const edits = found;
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
    if (HAN_RE.test(inner) || (isCjk(s[p]) && (isCjk(s[n]) || n >= s.length))) {
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
      // Chinese context: Han on one side, Chinese (or the end of the text) on the other
      // a mark that opens a line of the source closes no clause (`- ! 搜索…`: a command character): kept
      const chinese = (isHan(before) && (isCjk(after) || after == null)) || (isCjk(before) && isHan(after)) || (p < 0 && !opensLine && isHan(after));
      if (chinese) {
        const a = isCjk(before) ? p + 1 : i;
        const b = isCjk(after) ? n : i + 1;
        edits.push({ start: a, end: b, insert: SIMPLE[ch], from: s.slice(a, b) });
        i = b - 1;
      }
      continue;
    }
    if (ch === '.' || ch === '。' || ch === '·' || ch === '…') {
      ELLIPSIS.lastIndex = i;
      const ell = ELLIPSIS.exec(s);
      if (ell && (isHan(s[i - 1]) || isHan(s[i + ell[0].length])) && (isCjk(s[i - 1] ?? '。') && isCjk(s[i + ell[0].length] ?? '。'))) {
        if (ell[0] !== '……') edits.push({ start: i, end: i + ell[0].length, insert: '……', from: ell[0] });
        i += ell[0].length - 1;
        continue;
      }
      if (ch === '…' && s[i + 1] === '…') { i++; continue; }
      continue;
    }
    if (ch === '—') {
      // a run of dashes is left as written; a lone one between Han may be a broken ——
      let j = i;
      while (s[j + 1] === '—') j++;
      if (j === i && isHan(s[i - 1]) && isHan(s[i + 1]) && s[i - 2] !== '—' && s[i + 2] !== '—') doubts.push(i);
      i = j;
      continue;
    }
    if ((ch === '-' && s[i - 1] !== '-') || (ch === '－' && s[i - 1] !== '－')) {
      DASH.lastIndex = i;
      const dash = DASH.exec(s);
      if (dash && (isHan(s[i - 1]) || isHan(s[i + 2])) && isCjk(s[i - 1] ?? '。') && isCjk(s[i + 2] ?? '。')) {
        edits.push({ start: i, end: i + 2, insert: '——', from: dash[0] });
        i += 1;
      }
    }
  }
  // nothing inside math, URLs, e-mail addresses, footnote labels; a bracket pair goes or stays as one
  const spans = protectedSpans(s);
  let kept = edits;
  if (spans.length) {
    const bad = new Set(edits.filter((e) => overlaps(spans, e.start, Math.max(e.end, e.start + 1))));
    kept = edits.filter((e, k) => !bad.has(e) && !(e.insert === '（' && bad.has(edits[k + 1])) && !(e.insert === '）' && bad.has(edits[k - 1])));
  }
  kept.sort((x, y) => x.start - y.start);
  let text = '';
  let at = 0;
  for (const e of kept) { text += s.slice(at, e.start) + e.insert; at = e.end; }
  text += s.slice(at);
  return { text, edits: kept, doubts: doubts.filter((d) => !overlaps(spans, d, d + 1)) };
}

export default defineRule({ id: 'fullwidth-punctuation' }, (tree, file, ctx) => {
  const lines = originalOf(file).split('\n');
  // nothing but indentation, a list marker or `>` before the node on its source line
  const opensLine = (node: { position?: { start: { line: number; column: number } } }) => {
    const at = node.position?.start;
    return !!at && /^\s*(?:(?:[-*+]|\d+[.)])\s+|>\s*)*$/.test((lines[at.line - 1] ?? '').slice(0, at.column - 1));
  };
  let references = false; // 参考文献 entries keep their punctuation as written (GB/T 7714)
  for (const block of tree.children) {
    if (block.type === 'heading') references = /^(?:参考文献|参考资料|主要参考文献)$/.test(plain(block).trim());
    if (references || roleOf(block) === 'toc' || block.type === 'code' || block.type === 'yaml' || block.type === 'html') continue;
    if (block.type === 'paragraph' && (isMathParagraph(block) || isReferenceEntry(plain(block)))) continue;
    for (const node of textNodes(block)) {
      const { edits, doubts } = fixPunctuation(node.value, opensLine(node));
      for (const d of doubts) ctx.warn('单个「—」可能是残缺的破折号「——」，未修改；请核对', ctx.at(node, d));
      if (!edits.length) continue;
      const pairs: Edit[] = [];
      for (let k = 0; k < edits.length; k++) {
        const e = edits[k];
        if (!ctx.allowed(ctx.at(node, e.start))) {
          if (e.insert === '（') k++; // its ）goes with it
          continue;
        }
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
