/**
 * encoding-hygiene — invisible damage from OCR and word processors.
 * BOM and CRLF are reported once (the parser already reads past them; the writer emits LF without BOM);
 * NBSP becomes a normal space, zero-width characters are removed, full-width spaces used as
 * padding (at the start or end of a line) are removed, Kangxi radicals (⽇ U+2F47) become the
 * ideographs they look like (日). All certain → info.
 * The cleaning is done on the whole source BEFORE the parse (../hygiene.ts), since these characters
 * change how CommonMark reads the text (`。\u200B**` closes a `**` that `。**` followed by Han does not);
 * this rule reports what was cleaned, at positions in the original file.
 */
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { hygieneOf, pointOfOffset } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['# 标题\n\n正文，没有问题。\n'],
  notOk: [
    { in: '\uFEFF# 标题\n', out: '# 标题\n', messages: ['1:1 encoding-hygiene'] },
    { in: '# 标题\r\n\r\n正文。\r\n', out: '# 标题\n\n正文。\n', messages: ['1:5 encoding-hygiene'] },
    { in: '正文甲\u00A0乙文。\n', out: '正文甲 乙文。\n', messages: ['1:4 encoding-hygiene'] },
    { in: '甲\u200B乙\n', out: '甲乙\n', messages: ['1:2 encoding-hygiene'] },
    // a Kangxi radical copied out of a PDF prints as the ideograph it looks like
    { in: '十⽇内。\n', out: '十日内。\n', messages: ['1:2 encoding-hygiene'] },
    { in: '正文\u3000\u3000\n', out: '正文\n', messages: ['1:3 encoding-hygiene'] },
    // cleaned before the parse: positions stay in the original file, Markdown syntax sees clean text
    { in: '\u200b# 标题\n\n甲\u200b乙。\n', out: '# 标题\n\n甲乙。\n', messages: ['1:1 encoding-hygiene', '3:2 encoding-hygiene'] },
    { in: '\u3000\u3000正文，\n\u3000\u3000\n后文。\n', out: '正文，\n\n后文。\n', messages: ['1:1 encoding-hygiene', '2:1 encoding-hygiene'] },
    { in: '甲\r\n乙\u00A0丙\u200b。\r\n', out: '甲\n乙 丙。\n', messages: ['1:2 encoding-hygiene', '2:2 encoding-hygiene', '2:4 encoding-hygiene'] },
  ],
};

export default defineRule({ id: 'encoding-hygiene' }, (_tree, file, ctx) => {
  // the cleaning itself happened before the parse (hygiene.ts): every rule and the parser saw clean text
  if (String(file.value ?? '').startsWith('\uFEFF')) ctx.info('文件开头有 BOM（U+FEFF），已去除', { line: 1, column: 1 });
  for (const f of hygieneOf(file).findings) ctx.info(f.reason, pointOfOffset(file, f.offset));
});
