/**
 * Read the manuscript as a VFile, refusing what we cannot publish with one clear Chinese line:
 * missing file, a directory, empty/whitespace-only, binary, not UTF-8 (with a hint for GB18030/GBK).
 */
import { readFileSync, statSync } from 'node:fs';
import { VFile } from 'vfile';
import { JuanError } from '../report/errors.ts';

/** Check decoded bytes of a manuscript; returns the text or throws JuanError('content'). */
export function decodeManuscript(bytes: Uint8Array, path: string): string {
  if (bytes.length === 0) throw new JuanError('content', `书稿是空文件`, { file: path, hint: '请确认文件已完整导出' });
  const sample = bytes.subarray(0, 65536);
  let control = 0;
  for (const b of sample) {
    if (b === 0) throw new JuanError('content', `书稿是二进制文件，不是 Markdown 文本`, { file: path, hint: '请提供 UTF-8 编码的 .md 文本文件（Word/PDF 需先导出为文本）' });
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  if (control / sample.length > 0.05)
    throw new JuanError('content', `书稿含大量控制字符，像是二进制文件`, { file: path, hint: '请提供 UTF-8 编码的 .md 文本文件' });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let gb = '';
    try { gb = new TextDecoder('gb18030').decode(bytes); } catch { /* not GB either */ }
    const letters = gb.replace(/\s/g, '');
    const cjk = (letters.match(/[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/gu) ?? []).length;
    if (letters.length && cjk / letters.length > 0.3 && !gb.includes('\uFFFD'))
      throw new JuanError('content', `书稿不是 UTF-8 编码，看起来是 GB18030/GBK`, {
        file: path,
        hint: `请先转换编码：iconv -f GB18030 -t UTF-8 "${path}" > 转换后.md`,
      });
    throw new JuanError('content', `书稿不是有效的 UTF-8 文本`, { file: path, hint: '请以 UTF-8 编码重新保存书稿' });
  }
  if (!text.replace(/^\uFEFF/, '').trim()) throw new JuanError('content', `书稿只有空白，没有内容`, { file: path, hint: '请确认文件已完整导出' });
  return text;
}

export function readManuscript(path: string): VFile {
  let stat;
  try {
    stat = statSync(path);
  } catch (cause) {
    throw new JuanError('content', `找不到书稿文件`, { file: path, hint: '用 --manuscript 指定书稿路径', cause });
  }
  if (stat.isDirectory()) throw new JuanError('content', `书稿路径是一个目录，不是文件`, { file: path, hint: '用 --manuscript 指定目录中的 .md 文件' });
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new JuanError('content', `无法读取书稿文件`, { file: path, hint: '请检查文件权限', cause });
  }
  return new VFile({ path, value: decodeManuscript(bytes, path) });
}
