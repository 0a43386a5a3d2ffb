/**
 * Load and validate book.yaml against the schema. Errors name the file and line:column
 * (YAML syntax errors and schema errors alike) so the editor can jump there.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Lexer, LineCounter, parseDocument, isMap, isScalar, type Node, type YAMLParseError } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { TSchema } from '@sinclair/typebox';
import { BookConfigSchema, type BookConfig, type BookConfigInput } from './schema.ts';
import { defaultConfig } from './defaults.ts';
import { JuanError } from '../report/errors.ts';
import { suggest } from '../report/suggest.ts';

/** The path segments of a JSON pointer (`/page/fontSize` → ['page', 'fontSize']). */
function pointerSegments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Wording for string patterns of the schema (by pattern source); other patterns fall back to the key's description. */
const PATTERN_WORDS: Record<string, string> = {
  '^\\d{4}-\\d{2}(-\\d{2})?$': '格式 YYYY-MM 或 YYYY-MM-DD，如 2018-10 或 2018-10-01',
};

/** The values a union of literals allows, as the editor writes them. */
function allowedValues(schema: TSchema): string[] | null {
  const options = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!options || !options.every((o) => 'const' in o)) return null;
  return options.map((o) => String((o as unknown as { const: unknown }).const));
}

/** Every key book.yaml may have, dotted (`page.fontSize`), for 「您是不是要 …？」. */
function knownKeys(): string[] {
  const keys: string[] = [];
  for (const [name, schema] of Object.entries(BookConfigSchema.properties)) {
    keys.push(name);
    const props = (schema as { properties?: Record<string, unknown> }).properties;
    if (props && (schema as { type?: string }).type === 'object') for (const sub of Object.keys(props)) keys.push(`${name}.${sub}`);
  }
  return keys;
}

/** An unknown key and, when one is close, the key the editor probably meant (any section: `fontsize` → `page.fontSize`). */
function unknownKeyMessage(key: string): string {
  const last = key.split('.').at(-1)!;
  const keys = knownKeys();
  // The same section first, then any section by the last segment, then the whole path.
  const parent = key.split('.').slice(0, -1).join('.');
  const meant =
    suggest(last, keys.filter((k) => k.split('.').slice(0, -1).join('.') === parent), (k) => k.split('.').at(-1)!) ??
    suggest(last, keys, (k) => k.split('.').at(-1)!) ??
    suggest(key, keys);
  return `未知的设置项「${key}」${meant ? `。您是不是要「${meant}」？` : ''}`;
}

/** Chinese wording for every schema error type book.yaml can meet, with what is allowed. */
function explain(error: ValueError): string {
  const key = pointerSegments(error.path).join('.') || '(根)';
  const schema = error.schema as TSchema & { description?: string; minimum?: number; maximum?: number; minLength?: number; minItems?: number; pattern?: string };
  const desc = schema.description ? `（${schema.description}）` : '';
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return unknownKeyMessage(key);
  if (error.type === ValueErrorType.ObjectRequiredProperty || error.value === undefined) return `缺少必填项「${key}」${desc}`;
  const got = `「${key}」的值 ${JSON.stringify(error.value)}`;
  const range = schema.minimum != null && schema.maximum != null ? `，范围 ${schema.minimum}–${schema.maximum}` : schema.minimum != null ? `，不小于 ${schema.minimum}` : '';
  switch (error.type) {
    case ValueErrorType.Union: {
      const allowed = allowedValues(schema);
      return allowed ? `${got} 不可用。可选：${allowed.join('、')}` : `${got} 不合要求${desc}`;
    }
    case ValueErrorType.StringPattern:
      return `${got} 格式不对：${PATTERN_WORDS[schema.pattern ?? ''] ?? schema.description ?? `应符合 ${schema.pattern}`}`;
    case ValueErrorType.Integer:
      return `${got} 应为整数${range}${desc}`;
    case ValueErrorType.Number:
      return `${got} 应为数字${range}${desc}`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      return `${got} 超出范围：${schema.minimum != null && schema.maximum != null ? `应在 ${schema.minimum} 到 ${schema.maximum} 之间` : range.replace(/^，/, '应')}${desc}`;
    case ValueErrorType.String:
      return `${got} 应为文字（字符串）${desc}`;
    case ValueErrorType.StringMinLength:
      return `「${key}」不能为空${desc}`;
    case ValueErrorType.Boolean:
      return `${got} 应为 true 或 false${desc}`;
    case ValueErrorType.Array:
      return `${got} 应为列表（每行「- 项」，或 [甲, 乙]）${desc}`;
    case ValueErrorType.ArrayMinItems:
      return `「${key}」至少要有 ${schema.minItems} 项${desc}`;
    case ValueErrorType.Object:
      return `${got} 应为一组「键: 值」（写在下一行、缩进两格）${desc}`;
    default:
      return `${got} 不合要求${desc}`;
  }
}

/** Chinese for the YAML parser's error codes (yaml's YAMLError.code). */
const YAML_WORDS: Record<string, string> = {
  MISSING_CHAR: '缺少配对的符号',
  BLOCK_AS_IMPLICIT_KEY: '一行里出现了两个「键: 值」（或缩进有误）；值里有「: 」时请给值加引号',
  MULTILINE_IMPLICIT_KEY: '键名不能跨行（多半是这一行或上一行的缩进有误）',
  DUPLICATE_KEY: '同一个设置项写了两次',
  TAB_AS_INDENT: '缩进不能用 Tab 键，请改用空格',
  BAD_INDENT: '缩进不对',
  BAD_DQ_ESCAPE: '双引号中的转义字符（\\）有误',
  UNEXPECTED_TOKEN: '这里有多余或不该出现的符号',
  MISSING_KEY: '缺少键名',
  BAD_SCALAR_START: '值不能以这个符号开头，请给值加引号',
};

/** The parser's words for an unclosed [ or { (several codes). */
const UNCLOSED_BRACKET = /end with an? [\]}]|expected flow (sequence|map)/i;

/**
 * Where a YAML error really is. An unclosed quote is reported by the parser at the end of the
 * file; the editor needs the opening quote, which the lexer's tokens give.
 */
function yamlErrorOffset(text: string, error: YAMLParseError): number {
  if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
    let offset = 0;
    for (const token of new Lexer().lex(text)) {
      if (LEXER_CONTROL.has(token)) continue; // the lexer's own markers, not in the text
      const q = token[0];
      if ((q === '"' || q === "'") && !closedQuote(token)) return offset;
      offset += token.length;
    }
  }
  if (UNCLOSED_BRACKET.test(error.message)) {
    // An unclosed [ or {: the last opening bracket before the reported place.
    const before = text.slice(0, error.pos[0]);
    const at = Math.max(before.lastIndexOf('['), before.lastIndexOf('{'));
    if (at >= 0) return at;
  }
  return error.pos[0];
}

/** Tokens the yaml lexer emits that are not source text (document start, flow end, scalar). */
const LEXER_CONTROL = new Set(['\x02', '\x18', '\x1f']);

function closedQuote(token: string): boolean {
  const q = token[0]!;
  if (token.length < 2 || !token.endsWith(q)) return false;
  if (q === "'") return true; // '' inside is an escaped quote, the token still ends with one
  let backslashes = 0;
  for (let i = token.length - 2; i > 0 && token[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

function yamlErrorMessage(error: YAMLParseError, text: string, offset: number): string {
  if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
    return `引号没有配对：这里的 ${text[offset]} 到文件末尾都没有对应的结束引号`;
  }
  if (UNCLOSED_BRACKET.test(error.message)) {
    return `括号没有配对：这里的 ${text[offset]} 没有对应的 ${text[offset] === '[' ? ']' : '}'}`;
  }
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]+/.exec(text.slice(offset))?.[0].trim();
    if (key) return `设置项「${key}」写了两次`;
  }
  return YAML_WORDS[error.code] ?? `无法解析（${error.code}）`;
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
    const offset = yamlErrorOffset(text, first);
    const pos = lineCounter.linePos(offset);
    throw new JuanError('config', `YAML 语法错误：${yamlErrorMessage(first, text, offset)}`, {
      file: path, line: pos.line, column: pos.col, source: 'config', hint: '检查缩进、冒号后的空格和引号是否成对',
    });
  }
  // Defaults first, so only what the editor wrote (or forgot and has no default) can be wrong.
  const data = Value.Default(BookConfigSchema, doc.toJS() ?? {}) as unknown;
  // An unknown key first: it is often a misspelt required one (`titel`), whose absence is the next error.
  const errors = [...Value.Errors(BookConfigSchema, data)].sort(
    (a, b) => Number(b.type === ValueErrorType.ObjectAdditionalProperties) - Number(a.type === ValueErrorType.ObjectAdditionalProperties),
  );
  if (errors.length > 0) {
    const error = errors[0]!;
    const segments = pointerSegments(error.path);
    let node = doc.getIn(segments, true) as Node | null;
    if (error.type === ValueErrorType.ObjectAdditionalProperties) {
      // Point at the key itself, not its value.
      const parent = segments.length > 1 ? doc.getIn(segments.slice(0, -1), true) : doc.contents;
      const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && String(p.key.value) === segments.at(-1)) : undefined;
      if (pair && isScalar(pair.key)) node = pair.key as Node;
    }
    if (!node) node = (segments.length > 1 ? doc.getIn(segments.slice(0, -1), true) : doc.contents) as Node | null;
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    throw new JuanError('config', explain(error), {
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
