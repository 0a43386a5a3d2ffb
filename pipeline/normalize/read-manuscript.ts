/**
 * Read the manuscript as a VFile, refusing what we cannot publish with one clear Chinese line:
 * missing file, a directory, empty/whitespace-only, binary, not UTF-8 (with a hint for GB18030/GBK).
 */
import { readFileSync, statSync } from 'node:fs';
import type { Heading, Root, RootContent, Yaml } from 'mdast';
import { VFile } from 'vfile';
import YAML from 'yaml';
import type { FrontMatterBlock } from '../model/normalized.ts';
import { JuanError } from '../report/errors.ts';
import { withoutStack } from '../report/errors.ts';
import { originalOf, pointOfOffset } from './text.ts';

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

/**
 * Every YAML front-matter block is taken out of the text. remark-frontmatter only knows the block
 * that opens the file; a manuscript assembled from section files carries one per file, which
 * Markdown reads as a thematic break, `key: value` lines (a paragraph, or a setext heading when
 * no blank line precedes the closing `---`) and another break. Such a run of nodes becomes one
 * `yaml` node, so no rule reads it as text and no writer prints it. Each block is reported (info);
 * a later block's `title:` with no heading after it becomes that section's title heading.
 * The blocks go to `file.data.frontMatter`.
 */
export function extractFrontMatter(tree: Root, file: VFile): FrontMatterBlock[] {
  const src = originalOf(file);
  const blocks: FrontMatterBlock[] = [];
  const kids = tree.children;
  const out: RootContent[] = [];
  const report = (block: FrontMatterBlock) => {
    const keys = Object.keys(block.data);
    const title = typeof block.data.title === 'string' ? `，title「${block.data.title}」` : '';
    const m = withoutStack(() =>
      file.message(`YAML 前置元数据块已从正文中取出，不会印出（键：${keys.join('、') || '无'}${title}）`, { place: block.position, ruleId: 'front-matter', source: 'juan' }),
    );
    m.fatal = undefined;
  };
  const minDepth = Math.min(6, ...kids.filter((n): n is Heading => n.type === 'heading').map((n) => n.depth));
  for (let i = 0; i < kids.length; i++) {
    const n = kids[i]!;
    let yaml: Yaml | null = null;
    let data: Record<string, unknown> | null = null;
    let next = i + 1;
    if (n.type === 'yaml') {
      yaml = n;
      data = parseMapping(n.value);
    } else if (n.type === 'thematicBreak' && n.position?.start.offset != null && n.position.end.offset != null) {
      const found = blockAfterBreak(src, n.position.start.offset, n.position.end.offset);
      if (found) {
        // the nodes inside the block must end within it (a rule followed by prose is not a block)
        let j = i + 1;
        const at = (k: number) => (kids[k] as { position?: { start: { offset?: number }; end: { offset?: number } } }).position;
        while (j < kids.length && (at(j)?.end.offset ?? Infinity) <= found.end) j++;
        const straddles = j < kids.length && (at(j)?.start.offset ?? Infinity) < found.end;
        if (!straddles && j > i + 1) {
          const end = pointOfOffset(file, found.end);
          yaml = { type: 'yaml', value: found.value, position: { start: n.position.start, end: end ?? n.position.end } };
          data = found.data;
          next = j;
        }
      }
    }
    if (!yaml || !data) {
      out.push(n);
      continue;
    }
    const block: FrontMatterBlock = {
      data,
      index: blocks.length,
      atStart: out.every((c) => c.type === 'html'),
      node: yaml,
      position: { line: yaml.position!.start.line, column: yaml.position!.start.column },
    };
    blocks.push(block);
    // our own normalized manuscript's metadata is no news to the editor
    if (!('juan' in data)) report(block);
    out.push(yaml);
    const following = kids[next];
    const title = typeof data.title === 'string' ? data.title.trim() : '';
    // A section file without a heading of its own: its front matter names it.
    if (title && !block.atStart && following && following.type !== 'heading' && following.type !== 'yaml' && following.type !== 'thematicBreak') {
      const at = yaml.position!;
      out.push({ type: 'heading', depth: (Number.isFinite(minDepth) ? minDepth : 1) as Heading['depth'], children: [{ type: 'text', value: title, position: at }], position: at });
    }
    i = next - 1;
  }
  tree.children = out;
  file.data.frontMatter = blocks;
  return blocks;
}

const KEY_LINE = /^[A-Za-z_][\w-]*\s*:(?:\s|$)/;

/** A YAML mapping (what front matter is), or null. */
function parseMapping(text: string): Record<string, unknown> | null {
  try {
    const data = YAML.parse(text) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `---` at [start, end) opening a front-matter block: its YAML text and where the closing line ends. */
function blockAfterBreak(src: string, start: number, end: number): { value: string; data: Record<string, unknown>; end: number } | null {
  if (src.slice(start, end).trim() !== '---') return null;
  const lines: string[] = [];
  let at = src.indexOf('\n', end - 1);
  if (at < 0) return null;
  at++;
  for (let k = 0; k < 60 && at <= src.length; k++) {
    const nl = src.indexOf('\n', at);
    const line = src.slice(at, nl < 0 ? src.length : nl).replace(/\r$/, '');
    if (/^(?:---|\.\.\.)\s*$/.test(line)) {
      const body = lines.filter((l) => l.trim());
      if (!body.length || !KEY_LINE.test(body[0]!)) return null;
      // every line is a key, an indented continuation, a list item or a comment
      if (!body.every((l) => KEY_LINE.test(l) || /^\s+\S/.test(l) || /^-\s/.test(l) || /^#/.test(l))) return null;
      const value = lines.join('\n').replace(/^\n+|\s+$/g, '');
      const data = parseMapping(value);
      return data ? { value, data, end: nl < 0 ? src.length : nl } : null;
    }
    lines.push(line);
    if (nl < 0) break;
    at = nl + 1;
  }
  return null;
}
