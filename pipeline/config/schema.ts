/**
 * book.yaml schema — the single source of truth for the config's types, defaults and docs.
 * TypeBox gives the JSON Schema (validated with Value.Errors) and the TypeScript type at once.
 * Every `description` here is what the README's config table shows.
 */
import { Type, type Static, type TOptional } from '@sinclair/typebox';

const Organiser = Type.Object(
  {
    role: Type.String({ description: '角色，如「指导」「主办」「承办」' }),
    names: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: '单位名称，一行一个' }),
  },
  { additionalProperties: false },
);

export const TRIM_PRESETS = {
  '正16开': { width: 185, height: 260 },
  A4: { width: 210, height: 297 },
  '大32开': { width: 140, height: 203 },
} as const;

const Page = Type.Object(
  {
    trim: Type.Union([Type.Literal('正16开'), Type.Literal('A4'), Type.Literal('大32开')], {
      default: '正16开',
      description: '成品尺寸：正16开 185×260 mm（默认）、A4、大32开 140×203 mm',
    }),
    fontSize: Type.Number({ default: 10.5, minimum: 8, maximum: 14, description: '正文字号（pt），五号 = 10.5' }),
    lineHeight: Type.Number({ default: 1.8, minimum: 1.5, maximum: 2.2, description: '行距（字号的倍数），1.75–1.9' }),
    charsPerLine: Type.Integer({ default: 38, minimum: 20, maximum: 50, description: '每行字数：版心宽 = 字号 × 字数' }),
    linesPerPage: Type.Integer({ default: 30, minimum: 20, maximum: 60, description: '每页行数：版心高 = 行高 × 行数' }),
    innerMarginRatio: Type.Number({ default: 0.55, minimum: 0.3, maximum: 0.7, description: '左右留白中订口（内侧）所占比例' }),
    bleed: Type.Number({ default: 3, minimum: 0, maximum: 10, description: '出血（mm），仅 --print-ready 时加上' }),
  },
  { additionalProperties: false, description: '版面（印刷版）' },
);

const Fonts = Type.Object(
  {
    body: Type.String({ default: 'noto-serif-sc', description: '正文宋体：@fontsource 包名（不含作用域）' }),
    heading: Type.String({ default: 'noto-sans-sc', description: '标题黑体' }),
    kai: Type.String({ default: 'lxgw-wenkai', description: '单位、引文楷体' }),
  },
  { additionalProperties: false, description: '字体（均为 npm 固定版本的开源字体，嵌入 PDF）' },
);

const Toc = Type.Object(
  {
    pageNumberStyle: Type.Union([Type.Literal('plain'), Type.Literal('parenthesized')], {
      default: 'plain',
      description: '目录页码样式：plain = 1，parenthesized = (01)（旧版样式）',
    }),
    showSubtitle: Type.Boolean({ default: true, description: '目录中是否列出副标题' }),
    showUnit: Type.Boolean({ default: true, description: '目录中是否列出作者单位' }),
  },
  { additionalProperties: false, description: '重新生成的目录' },
);

const Build = Type.Object(
  {
    timeoutSeconds: Type.Number({ default: 120, minimum: 5, description: '每个浏览器阶段的时限（秒），超时重试一次后失败' }),
  },
  { additionalProperties: false, description: '构建' },
);

/** Ids of the normalization rules (pipeline/normalize/preset.ts; a test keeps the two lists equal). */
export const NORMALIZE_RULE_IDS = [
  'encoding-hygiene', 'raw-html', 'image-source', 'web-page-chrome', 'page-furniture', 'role-markup', 'letter-spaced-title', 'toc-entries', 'numbered-line-heading',
  'paper-header', 'join-page-break-paragraphs', 'run-in-head-style', 'numbered-run-in-head', 'fullwidth-punctuation', 'reconcile-toc', 'heading-level-from-numbering',
] as const;

const Switch = Type.Union([Type.Literal('off'), Type.Literal('on')], { description: 'off = 全书不运行这条规则' });

const Normalize = Type.Object(
  {
    rules: Type.Optional(
      Type.Object(
        Object.fromEntries(NORMALIZE_RULE_IDS.map((id) => [id, Type.Optional(Switch)])) as Record<(typeof NORMALIZE_RULE_IDS)[number], TOptional<typeof Switch>>,
        { additionalProperties: false, description: '各条规范化规则对全书的开关：`规则id: off` 关掉（默认都开）；只关一处用书稿里的 `<!-- juan-disable-next-line 规则id -->`' },
      ),
    ),
  },
  { additionalProperties: false, description: '规范化' },
);

export const BookConfigSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, description: '书名' }),
    subtitle: Type.Optional(Type.String({ description: '副书名（扉页第二行）' })),
    genre: Type.Optional(Type.String({ description: '文集类型行，如「论文集」' })),
    organisers: Type.Array(Organiser, { default: [], description: '指导/主办/承办单位（OCR 错乱，由编辑填写）' }),
    publisher: Type.Optional(Type.String({ description: '出版者' })),
    date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}(-\\d{2})?$', description: '出版日期 YYYY-MM 或 YYYY-MM-DD；不写则不印日期（警告）' })),
    language: Type.String({ default: 'zh-CN', description: '语言（BCP 47）' }),
    identifier: Type.String({ minLength: 1, description: '稳定标识（urn:uuid:… 或 ISBN），EPUB 每次构建相同' }),
    description: Type.Optional(Type.String({ description: '内容简介（EPUB dc:description、PDF Subject）' })),
    keywords: Type.Array(Type.String(), { default: [], description: '关键词（PDF Keywords、EPUB dc:subject）' }),
    runningHeads: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
        description: '编辑给的书眉短标题：`论文标题: 短标题`（键是正文中的论文标题；写书名则替换左页书眉）。不写时，标题在书眉行（版心宽）放得下就印全，放不下在 ——、：、括号、空格处截短',
      }),
    ),
    page: Type.Optional(Page),
    fonts: Type.Optional(Fonts),
    toc: Type.Optional(Toc),
    build: Type.Optional(Build),
    normalize: Type.Optional(Normalize),
  },
  { additionalProperties: false },
);

export type BookConfigInput = Static<typeof BookConfigSchema>;
/** book.yaml's top-level keys in the schema's order (the order the normalized manuscript writes them in). */
export const CONFIG_KEYS = Object.keys(BookConfigSchema.properties) as Array<keyof BookConfigInput>;
/** The resolved config: every optional section filled with its defaults. */
export type BookConfig = Omit<BookConfigInput, 'page' | 'fonts' | 'toc' | 'build'> & {
  page: Static<typeof Page>;
  fonts: Static<typeof Fonts>;
  toc: Static<typeof Toc>;
  build: Static<typeof Build>;
};
export const SectionSchemas = { page: Page, fonts: Fonts, toc: Toc, build: Build } as const;
