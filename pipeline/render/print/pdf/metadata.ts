/**
 * Document information and catalog entries: Title (title——subtitle), Author (the organisers),
 * Subject, Keywords, Creator, Producer, /Lang, and dates taken from book.yaml's `date` so the
 * same manuscript always gives the same bytes.
 */
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import type { BookConfig } from '../../../config/schema.ts';

export const PRODUCER = 'juan (Paged.js, Chromium, pdf-lib)';

/** `2018-10` → 2018-10-01T00:00:00Z; `2018-10-08` → that day. */
export function bookDate(date: string | undefined): Date {
  // PDF/X needs a CreationDate even for a book with no date: a fixed one keeps builds
  // byte-identical (SOURCE_DATE_EPOCH, the reproducible-builds convention, overrides it).
  if (!date) return new Date(Number(process.env.SOURCE_DATE_EPOCH ?? 946684800) * 1000);
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, (m ?? 1) - 1, d ?? 1));
}

export function documentTitle(meta: BookConfig): string {
  return meta.subtitle ? `${meta.title}——${meta.subtitle}` : meta.title;
}

export function setMetadata(doc: PDFDocument, meta: BookConfig): void {
  doc.setTitle(documentTitle(meta), { showInWindowTitleBar: true });
  const names = meta.organisers.flatMap((o) => o.names);
  if (names.length) doc.setAuthor(names.join('、'));
  if (meta.description) doc.setSubject(meta.description);
  // setKeywords joins with a space; Chinese keywords read better separated by semicolons.
  if (meta.keywords.length) doc.setKeywords([meta.keywords.join('; ')]);
  doc.setCreator('juan');
  doc.setProducer(PRODUCER);
  if (meta.date) {
    const date = bookDate(meta.date);
    doc.setCreationDate(date);
    doc.setModificationDate(date);
  }
  doc.catalog.set(PDFName.of('Lang'), PDFString.of(meta.language || 'zh-CN'));
}
