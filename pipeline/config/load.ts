/**
 * Load and validate book.yaml against the schema. Errors name the file and line:column
 * (YAML syntax errors and schema errors alike) so the editor can jump there.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isScalar, type Node } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { BookConfigSchema, type BookConfig, type BookConfigInput } from './schema.ts';
import { defaultConfig } from './defaults.ts';
import { JuanError } from '../report/errors.ts';

/** The path segments of a JSON pointer (`/page/fontSize` → ['page', 'fontSize']). */
function pointerSegments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Chinese wording for the schema error types an editor is likely to meet. */
function explain(error: { message: string; path: string; value: unknown; schema: { description?: string } }, unknownKey?: string): string {
  if (unknownKey) return `未知的设置项「${unknownKey}」`;
  const key = pointerSegments(error.path).join('.') || '(根)';
  const desc = error.schema.description ? `（${error.schema.description}）` : '';
  if (error.value === undefined) return `缺少必填项「${key}」${desc}`;
  return `设置项「${key}」的值 ${JSON.stringify(error.value)} 不合要求：${error.message}${desc}`;
}

export interface LoadedConfig {
  config: BookConfig;
  /** Path of the book.yaml used, or null when defaults were used. */
  path: string | null;
}

export function readConfigFile(path: string): BookConfigInput {
  if (!existsSync(path)) {
    throw new JuanError('config', `找不到配置文件`, { file: path, source: 'config', hint: '用 --config 指定 book.yaml，或在书稿旁放一个 book.yaml' });
  }
  if (statSync(path).isDirectory()) {
    throw new JuanError('config', `配置路径是一个文件夹，不是文件`, { file: path, source: 'config' });
  }
  const text = readFileSync(path, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = lineCounter.linePos(first.pos[0]);
    throw new JuanError('config', `YAML 语法错误：${first.message.split('\n')[0]}`, {
      file: path, line: pos.line, column: pos.col, source: 'config', hint: '检查缩进、冒号后的空格和引号是否成对',
    });
  }
  // Defaults first, so only what the editor wrote (or forgot and has no default) can be wrong.
  const data = Value.Default(BookConfigSchema, doc.toJS() ?? {}) as unknown;
  const errors = [...Value.Errors(BookConfigSchema, data)];
  if (errors.length > 0) {
    const error = errors[0]!;
    const segments = pointerSegments(error.path);
    let node = doc.getIn(segments, true) as Node | null;
    let unknownKey: string | undefined;
    if (/Unexpected property/i.test(error.message)) {
      // Point at the key itself, not its value.
      unknownKey = segments.join('.');
      const parent = segments.length > 1 ? doc.getIn(segments.slice(0, -1), true) : doc.contents;
      const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === segments.at(-1)) : undefined;
      if (pair && isScalar(pair.key)) node = pair.key as Node;
    }
    if (!node) node = (segments.length > 1 ? doc.getIn(segments.slice(0, -1), true) : doc.contents) as Node | null;
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    throw new JuanError('config', explain(error as never, unknownKey), {
      file: path, line: pos.line, column: pos.col, source: 'config', hint: '可用的设置项见 README「book.yaml 设置」一节',
    });
  }
  return data as BookConfigInput;
}

/** Resolve book.yaml into a full config; `fallback` fills what book.yaml lacks (e.g. from the manuscript). */
export function loadConfig(path: string, fallback: Partial<BookConfigInput> = {}): BookConfig {
  const input = readConfigFile(path);
  return defaultConfig({ ...fallback, ...input } as BookConfigInput);
}
