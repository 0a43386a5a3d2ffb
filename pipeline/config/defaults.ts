/** Fill a (validated) book.yaml with the schema's defaults. */
import { createHash } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { BookConfigSchema, SectionSchemas, type BookConfig, type BookConfigInput } from './schema.ts';

/**
 * The identifier of a manuscript without book.yaml: a name-based UUID of its text (not its
 * path), so the same manuscript gets the same id from every command and every machine.
 */
export function fallbackIdentifier(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

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
