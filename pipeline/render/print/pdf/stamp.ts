/**
 * A body page's furniture drawn over its bare page (merge.ts): the bare page's content, moved
 * `dx` pt across when it was printed on the other side (its links with it), then its stamps
 * (running head and its rule, folio, crop marks — each a page printed by Chromium, layout.ts) as
 * Form XObjects, each made once and shared by every page that carries it. Nothing is decoded or
 * re-encoded: a stamp's content stream keeps its bytes and its resources (fonts are then shared
 * by pdf/fonts.ts like any other copy).
 */
import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, PDFRef, type PDFDocument, type PDFObject, type PDFPage } from 'pdf-lib';
import { JuanError } from '../../../report/errors.ts';
import { joinContent, streamBytes } from './streams.ts';

const N = (name: string) => PDFName.of(name);

/** The page's content streams, as references. */
function contentRefs(page: PDFPage): PDFRef[] {
  const contents = page.node.get(N('Contents'));
  const list = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  return list.filter((c): c is PDFRef => c instanceof PDFRef);
}

/** A stamp page (copied, not in the page tree) as a Form XObject; its page object is deleted. */
function furnitureForm(doc: PDFDocument, furniture: PDFPage): { ref: PDFRef; digest: string } {
  const refs = contentRefs(furniture);
  const streams = refs.map((r) => doc.context.lookup(r));
  if (!streams.every((s): s is PDFRawStream => s instanceof PDFRawStream)) {
    throw new JuanError('render', '页码、书眉的印样页内容流无法读取', { source: 'print:merge' });
  }
  const box = furniture.getMediaBox();
  const form: Record<string, PDFObject | string | number[]> = {
    Type: 'XObject',
    Subtype: 'Form',
    BBox: [box.x, box.y, box.x + box.width, box.y + box.height],
    Resources: furniture.node.Resources() ?? doc.context.obj({}),
  };
  let stream: PDFRawStream;
  const one = streams.length === 1 ? streams[0]! : null;
  if (one && !one.dict.has(N('DecodeParms'))) {
    // Its bytes as printed, still compressed.
    const filter = one.dict.get(N('Filter'));
    stream = PDFRawStream.of(doc.context.obj({ ...form, ...(filter ? { Filter: filter } : {}) }) as PDFDict, one.contents);
  } else {
    // Several streams (Chromium writes one): joined, as a page's are (rare, so not compressed).
    const parts = streams.map((s) => streamBytes(s) ?? s.contents);
    stream = PDFRawStream.of(doc.context.obj(form) as PDFDict, joinContent(parts));
  }
  for (const r of refs) doc.context.delete(r);
  doc.context.delete(furniture.ref);
  const digest = createHash('sha1').update(stream.contents).digest('hex').slice(0, 12);
  return { ref: doc.context.register(stream), digest };
}

/** Stamp pages (copied into `doc`, not in its page tree) as Form XObjects, each made once. */
export function stampForms(doc: PDFDocument): { of(page: PDFPage): { ref: PDFRef; digest: string } } {
  const made = new Map<PDFPage, { ref: PDFRef; digest: string }>();
  return {
    of(page) {
      let form = made.get(page);
      if (!form) made.set(page, (form = furnitureForm(doc, page)));
      return form;
    },
  };
}

/**
 * Draw `stamps` on `page` (under its own content, which they do not overlap), the page's content moved `dx` pt to the right. Each
 * XObject's name carries a digest of the stamp's content, so the page's content streams differ
 * when its folio or head does (preview's page fingerprints).
 */
export function stampPage(doc: PDFDocument, page: PDFPage, stamps: Array<{ ref: PDFRef; digest: string }>, dx: number): void {
  const resources = (page.node.Resources() ?? doc.context.obj({})).clone(doc.context);
  const existing = doc.context.lookup(resources.get(N('XObject')));
  const xobjects = existing instanceof PDFDict ? existing.clone(doc.context) : doc.context.obj({});
  const names = stamps.map((s) => {
    const name = `JuanStamp${s.digest}`;
    xobjects.set(N(name), s.ref);
    return name;
  });
  resources.set(N('XObject'), xobjects);
  page.node.set(N('Resources'), resources);
  // The stamps first, as Chromium paints the margin boxes before the page's content: text comes out in the same order.
  const move = dx ? `1 0 0 1 ${+dx.toFixed(4)} 0 cm\n` : '';
  const before = doc.context.register(doc.context.stream(`${names.map((n) => `q /${n} Do Q\n`).join('')}q\n${move}`));
  const after = doc.context.register(doc.context.stream('\nQ\n'));
  page.node.set(N('Contents'), doc.context.obj([before, ...contentRefs(page), after]));
  if (dx) {
    // Links move with the text they are on.
    const annots = doc.context.lookup(page.node.get(N('Annots')));
    for (const a of annots instanceof PDFArray ? annots.asArray() : []) {
      const annot = doc.context.lookup(a);
      const rect = annot instanceof PDFDict ? doc.context.lookup(annot.get(N('Rect'))) : null;
      if (!(annot instanceof PDFDict) || !(rect instanceof PDFArray) || rect.size() !== 4) continue;
      const [x1, y1, x2, y2] = rect.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : 0)) as [number, number, number, number];
      annot.set(N('Rect'), doc.context.obj([x1 + dx, y1, x2 + dx, y2]));
    }
  }
}
