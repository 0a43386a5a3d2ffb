/** Fill a (validated) book.yaml with the schema's defaults. */
import { Value } from '@sinclair/typebox/value';
import { BookConfigSchema, SectionSchemas, type BookConfig, type BookConfigInput } from './schema.ts';

export function defaultConfig(input: Partial<BookConfigInput> & Pick<BookConfigInput, 'title' | 'identifier'>): BookConfig {
  const withTop = Value.Default(BookConfigSchema, structuredClone(input)) as BookConfigInput;
  return {
    ...withTop,
    organisers: withTop.organisers ?? [],
    keywords: withTop.keywords ?? [],
    language: withTop.language ?? 'zh-CN',
    page: Value.Default(SectionSchemas.page, withTop.page ?? {}) as BookConfig['page'],
    fonts: Value.Default(SectionSchemas.fonts, withTop.fonts ?? {}) as BookConfig['fonts'],
    toc: Value.Default(SectionSchemas.toc, withTop.toc ?? {}) as BookConfig['toc'],
    build: Value.Default(SectionSchemas.build, withTop.build ?? {}) as BookConfig['build'],
  };
}
