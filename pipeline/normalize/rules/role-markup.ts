/**
 * role-markup — the roles of Sphinx-style book tools (d2lbook: `:label:`sec_x``, `:numref:`fig_y``,
 * `:eqref:`eq_z``, `:cite:`Key.2013``) are build instructions of another toolchain; CommonMark reads
 * them as the text `:numref:` and a piece of inline code, so they were printed raw (and a long
 * target kept a justified line from breaking: 「在 :numref:sec_rnn_scratch 中 ， 我 们」).
 * - An anchor (`:label:`, `:eqlabel:`) names the place for the other tool's numbering and has no text
 *   for a reader: a paragraph of anchors only, or an anchor on the last line of a paragraph (under a
 *   `$$…$$` formula), is removed — certain, reported (info).
 * - A reference (`:numref:`, `:eqref:`, `:ref:`, `:cite:` and any other role) stands for words
 *   juan cannot know (「图14.1」, 「(14.1.2)」, a bibliography number): kept and warned, for the
 *   editor to write the words. So is an anchor anywhere else (inside a sentence, a table row).
 * Code, math and link targets are never read: a role is a text ending in `:name:` right before
 * inline code, outside code and math.
 */
import type { InlineCode, Nodes, Paragraph, Parent, PhrasingContent, Text } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { editText } from '../text.ts';

export const examples: RuleExamples = {
  ok: [
    '比例为 1:2，见 `a:b` 的写法。\n',
    '时间 20:30 `code` 照写。\n',
    '```\n:label:`x`\n```\n',
    '$$a:b:`c`$$\n',
  ],
  notOk: [
    { in: '# 词嵌入\n:label:`sec_word2vec`\n\n正文。\n', out: '# 词嵌入\n\n正文。\n', messages: ['2:1 role-markup'] },
    { in: '$$P(w_o \\mid w_c)$$\n:eqlabel:`eq_softmax`\n\n正文。\n', out: '$$P(w_o \\mid w_c)$$\n\n正文。\n', messages: ['2:1 role-markup'] },
    { in: '如 :numref:`fig_nlp`中所强调的那样。\n', out: '如 :numref:`fig_nlp`中所强调的那样。\n', messages: ['1:3 role-markup'] },
    { in: '跳元模型 :cite:`Mikolov.2013`和连续词袋。\n', messages: ['1:6 role-markup'] },
    { in: '见 :label:`x` 处。\n', out: '见 :label:`x` 处。\n', messages: ['1:3 role-markup'] },
  ],
};

const ROLE_END = /(?:^|[^\w:`]):([a-z][a-z_-]*):$/;
const ANCHORS = new Set(['label', 'eqlabel']);

interface Role {
  parent: Parent;
  /** Index of the text node that ends with `:name:` in `parent.children`. */
  index: number;
  name: string;
  target: string;
  /** Where `:name:` starts in that text node. */
  at: number;
}

function rolesIn(parent: Parent): Role[] {
  const out: Role[] = [];
  const kids = parent.children as Nodes[];
  for (let i = 0; i + 1 < kids.length; i++) {
    const t = kids[i]!;
    const code = kids[i + 1]!;
    if (t.type !== 'text' || code.type !== 'inlineCode') continue;
    const m = ROLE_END.exec(t.value);
    if (!m) continue;
    out.push({ parent, index: i, name: m[1]!, target: (code as InlineCode).value, at: t.value.length - m[1]!.length - 2 });
  }
  return out;
}

const shown = (r: Role) => `:${r.name}:\`${r.target}\``;

export default defineRule({ id: 'role-markup' }, (tree, file, ctx) => {
  const removeParagraphs = new Set<Paragraph>();
  const walk = (node: Nodes, parent: Parent | null) => {
    if (node.type === 'code' || node.type === 'inlineCode' || node.type === 'math' || node.type === 'inlineMath' || node.type === 'html') return;
    if (!('children' in node)) return;
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell' || node.type === 'emphasis' || node.type === 'strong' || node.type === 'link') {
      const roles = rolesIn(node as Parent);
      if (roles.length) handle(node as Parent, parent, roles);
    }
    for (const c of (node as Parent).children as Nodes[]) walk(c, node as Parent);
  };

  const handle = (node: Parent, parent: Parent | null, roles: Role[]) => {
    const kids = node.children as PhrasingContent[];
    const place = (r: Role) => ctx.at(kids[r.index] as Text, r.at);
    if (node.type === 'paragraph' && parent) {
      // a paragraph of anchors only: nothing in it is text for a reader
      const rest = kids.filter((k, i) => !roles.some((r) => r.index === i || r.index + 1 === i) && !(k.type === 'text' && /^\s*$/.test(k.value)));
      const leadOk = roles.every((r) => /^\s*$/.test((kids[r.index] as Text).value.slice(0, r.at)));
      if (!rest.length && leadOk && roles.every((r) => ANCHORS.has(r.name)) && ctx.allowed(...roles.map(place))) {
        for (const r of roles) ctx.info(`删除了 d2lbook 的锚点标记「${shown(r)}」：它只为原书构建工具的编号命名位置，本身不是给读者的文字`, place(r));
        removeParagraphs.add(node as Paragraph);
        return;
      }
      // an anchor on the paragraph's last line (under a formula): that line goes
      const last = roles.at(-1)!;
      const t = kids[last.index] as Text;
      const before = t.value.slice(0, last.at);
      const tail = kids.slice(last.index + 2);
      if (ANCHORS.has(last.name) && /\n[ \t]*$/.test(before) && tail.every((k) => k.type === 'text' && /^\s*$/.test(k.value)) && ctx.allowed(place(last))) {
        ctx.info(`删除了 d2lbook 的锚点标记「${shown(last)}」：它只为原书构建工具的编号命名位置，本身不是给读者的文字`, place(last));
        const cut = before.replace(/\n[ \t]*$/, '').length;
        editText(file, t, [{ start: cut, end: t.value.length, insert: '' }]);
        kids.splice(last.index + 1);
        if (!t.value) kids.splice(last.index, 1);
        roles = roles.slice(0, -1);
      }
    }
    for (const r of roles) {
      const what = r.name === 'cite' ? '文献引用' : ANCHORS.has(r.name) ? '锚点' : '交叉引用';
      const hint = r.name === 'cite' ? '请改写为参考文献的编号（如 [1]）或作者与年份' : ANCHORS.has(r.name) ? '它不是给读者的文字，可以删去' : '请改写为所指的文字（如「图 14.1」「第 14.2 节」「式 (14.1)」）';
      ctx.warn(`d2lbook 的${what}标记「${shown(r)}」照原样印出：juan 不认识这种写法，${hint}`, place(r));
    }
  };

  walk(tree, null);
  if (removeParagraphs.size) {
    const prune = (p: Parent) => {
      p.children = (p.children as Nodes[]).filter((c) => !removeParagraphs.has(c as Paragraph)) as typeof p.children;
      for (const c of p.children as Nodes[]) if ('children' in c) prune(c as Parent);
    };
    prune(tree);
  }
});
