/**
 * The print 扉页 and the EPUB title page print the same facts from book.yaml in the same words:
 * organiser labels, publisher, date (book-text.ts). Read back from the seed build's PDF and EPUB.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, inject, it } from 'vitest';
import { loadConfig } from '../../pipeline/config/load.ts';
import { projectPath } from '../../pipeline/paths.ts';
import { chineseDate, organiserLabel } from '../../pipeline/render/book-text.ts';
import { textContent, unzip, xml } from '../epub/helpers.ts';
import { readPdf, squeeze } from './helpers.ts';

const seedOut = inject('seedOut');
const config = loadConfig(projectPath('manuscript', 'book.yaml'));
let printed: string;
let epub: string;
let epubRaw: string;

beforeAll(async () => {
  const error = inject('seedBuildError');
  if (error) throw new Error(error);
  printed = squeeze((await readPdf(new Uint8Array(readFileSync(join(seedOut, 'book.pdf')))))[0]!.text);
  const book = await unzip(new Uint8Array(readFileSync(join(seedOut, 'book.epub'))));
  const name = book.names.find((n) => n.endsWith('titlepage.xhtml'))!;
  epubRaw = textContent(xml(book.text(name)));
  epub = squeeze(epubRaw);
});

it('both print the date in one form', () => {
  expect(chineseDate(config.date)).toBe('2018 年 10 月');
  expect(printed).toContain(squeeze(chineseDate(config.date)));
  expect(epubRaw).toContain(chineseDate(config.date)); // with its spaces, as the 扉页 sets them
});

it('both label the organisers alike and print the publisher', () => {
  for (const o of config.organisers) {
    for (const text of [printed, epub]) expect(text).toContain(squeeze(organiserLabel(o.role) + o.names[0]));
  }
  expect(printed).toContain(config.publisher!);
  expect(epub).toContain(config.publisher!);
});
